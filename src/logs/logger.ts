/**
 * @module
 * The app logger: server code (and later hooks) write entries with a level, a message and data;
 * they are queued in memory and written to the auxiliary database in batches, off the request's
 * path (every `flushIntervalMs`, or at once when `batchSize` entries wait), honouring the
 * settings' `logs.minLevel` and `logs.maxDays` (0 turns logging off).
 */
import { nowDateTime } from "../core/clock.ts"
import { newRecordId } from "../core/ids.ts"
import type { LogsSettings } from "../settings/index.ts"
import type { LogRow } from "./log-store.ts"
import type { LogBatch, WriteBatch } from "./log-writer.ts"
import type { LoggedRequest } from "./request-log.ts"

/** slog's levels, which PocketBase stores. */
export const LOG_LEVELS = { debug: -4, info: 0, warn: 4, error: 8 } as const

/** Longest stored message, in characters (PocketBase's limit). */
const MAX_MESSAGE_LENGTH = 8000
/** Stored data size when `logs.maxDataSize` is 0 (PocketBase's default, ~16 KB). */
const DEFAULT_MAX_DATA_SIZE = 16 << 10

export interface LoggerOptions {
  write: WriteBatch
  settings: () => Readonly<LogsSettings>
  /** @default 200 (PocketBase's batch size) */
  batchSize?: number
  /** @default 3000 (PocketBase's flush interval) */
  flushIntervalMs?: number
}

/** Writes log entries to the auxiliary database in batches. */
export class Logger {
  readonly #write: WriteBatch
  readonly #settings: () => Readonly<LogsSettings>
  readonly #batchSize: number
  readonly #flushIntervalMs: number
  #pending: LogRow[] = []
  #requests: LoggedRequest[] = []
  #timer: Timer | null = null

  constructor(options: LoggerOptions) {
    this.#write = options.write
    this.#settings = options.settings
    this.#batchSize = options.batchSize ?? 200
    this.#flushIntervalMs = options.flushIntervalMs ?? 3000
  }

  debug(message: string, data: Record<string, unknown> = {}): void {
    this.log(LOG_LEVELS.debug, message, data)
  }

  info(message: string, data: Record<string, unknown> = {}): void {
    this.log(LOG_LEVELS.info, message, data)
  }

  warn(message: string, data: Record<string, unknown> = {}): void {
    this.log(LOG_LEVELS.warn, message, data)
  }

  error(message: string, data: Record<string, unknown> = {}): void {
    this.log(LOG_LEVELS.error, message, data)
  }

  /** True when an entry of `level` would be kept (logging on and at or above `minLevel`). */
  accepts(level: number): boolean {
    const settings = this.#settings()
    return settings.maxDays > 0 && level >= settings.minLevel
  }

  /** Queues one entry; it is written with the next batch. */
  log(level: number, message: string, data: Record<string, unknown> = {}): void {
    if (!this.accepts(level)) return
    this.#pending.push({ id: newRecordId(), created: nowDateTime(), data: limitedJson(data, this.#settings().maxDataSize), message: message.slice(0, MAX_MESSAGE_LENGTH), level })
    this.#queued()
  }

  /** Queues a finished request; the writer composes its row (off the event loop when it is a thread). */
  queueRequest(request: LoggedRequest): void {
    this.#requests.push(request)
    this.#queued()
  }

  #queued(): void {
    if (this.#pending.length + this.#requests.length >= this.#batchSize) {
      // still off the request's path: the write runs once the current request has been answered
      this.#schedule(0)
    } else {
      this.#schedule(this.#flushIntervalMs)
    }
  }

  /** Hands every queued entry to the writer; resolves once they are stored. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    const batch = this.#take()
    const size = batch.rows.length + batch.requests.length
    if (size === 0 || this.#settings().maxDays === 0) return
    try {
      await this.#write(batch)
    } catch (error) {
      console.error(`failed to write ${size} log entries:`, error)
    }
  }

  /** Takes the queued entries (for a last synchronous write at shutdown) and stops the timer. */
  drain(): LogBatch {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    return this.#take()
  }

  #take(): LogBatch {
    const batch = { rows: this.#pending, requests: this.#requests }
    this.#pending = []
    this.#requests = []
    return batch
  }

  #schedule(delayMs: number): void {
    if (this.#timer && delayMs > 0) return
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.flush(), delayMs)
  }
}

// The data as JSON text; past the size limit, top-level keys are kept while they fit and the
// data is marked truncated (as PocketBase does).
export function limitedJson(data: Record<string, unknown>, maxDataSize: number): string {
  const limit = maxDataSize > 0 ? maxDataSize : DEFAULT_MAX_DATA_SIZE
  const json = JSON.stringify(data)
  if (json.length <= limit) return json
  const kept: Record<string, unknown> = {}
  let size = 2
  for (const [key, value] of Object.entries(data)) {
    const entrySize = JSON.stringify({ [key]: value }).length - 1
    if (size + entrySize > limit) break
    kept[key] = value
    size += entrySize
  }
  kept.__pb_truncated__ = true
  return JSON.stringify(kept)
}
