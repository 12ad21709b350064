/**
 * @module
 * Request counters behind the rate limits: a fixed window per (rule, client) that opens with the
 * client's first request, as PocketBase counts. In memory for one process; in Redis (one atomic
 * script: INCR, and an expiry set by the request that opens the window) when processes share a
 * broker, so every process counts against the same limit.
 */
import { RedisClient } from "bun"

/** Counts one request; true while the window still has room. */
export interface RateCounters {
  consume(key: string, maxRequests: number, durationSeconds: number): boolean | Promise<boolean>
  close(): void
}

/** Windows older than this are swept from memory. @default 30 min (PocketBase's figure) */
const SWEEP_AFTER_MS = 30 * 60_000

/** Counters of this process only. */
export class MemoryRateCounters implements RateCounters {
  readonly #windows = new Map<string, { start: number; used: number; durationMs: number }>()
  #lastSweep = Date.now()

  consume(key: string, maxRequests: number, durationSeconds: number): boolean {
    const now = Date.now()
    this.#sweep(now)
    const durationMs = durationSeconds * 1000
    let window = this.#windows.get(key)
    if (!window || now - window.start >= durationMs) {
      window = { start: now, used: 0, durationMs }
      this.#windows.set(key, window)
    }
    if (window.used >= maxRequests) return false
    window.used++
    return true
  }

  close(): void {
    this.#windows.clear()
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < SWEEP_AFTER_MS) return
    this.#lastSweep = now
    for (const [key, window] of this.#windows) {
      if (now - window.start - window.durationMs > SWEEP_AFTER_MS) this.#windows.delete(key)
    }
  }
}

const CONSUME_SCRIPT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n"

/** Counters shared through Redis; falls back to this process's counters while Redis is unreachable. */
export class RedisRateCounters implements RateCounters {
  readonly #client: RedisClient
  readonly #fallback = new MemoryRateCounters()
  #warned = false

  constructor(url: string) {
    this.#client = new RedisClient(url, { connectionTimeout: 2_000 })
  }

  async consume(key: string, maxRequests: number, durationSeconds: number): Promise<boolean> {
    const redisKey = `pocketbun:ratelimit:${key}`
    try {
      const used = Number(await this.#client.send("EVAL", [CONSUME_SCRIPT, "1", redisKey, String(durationSeconds)]))
      this.#warned = false
      return used <= maxRequests
    } catch (error) {
      if (!this.#warned) console.warn(`rate limits: Redis unreachable (${error instanceof Error ? error.message : error}); counting per process`)
      this.#warned = true
      return this.#fallback.consume(key, maxRequests, durationSeconds)
    }
  }

  close(): void {
    this.#client.close()
    this.#fallback.close()
  }
}
