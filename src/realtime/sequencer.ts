/**
 * @module
 * Puts record events from several processes back into commit order. Every committed change
 * carries the database's commit sequence number; events arrive from the local process at once
 * and from others through the broker a little later. The sequencer holds an event while an
 * earlier number is missing, for at most `gapTimeoutMs`, then moves on.
 *
 * An event that arrives after the sequencer moved past it (its process was slow, or busy fanning
 * out) is still delivered, unless a later event for the same record already was: per-record order
 * is never broken, and an event is only lost when a newer one about the same record went first.
 */
import { LruCache } from "../core/lru-cache.ts"

/** Default wait for a missing earlier event before moving on. @default 1000 */
export const DEFAULT_GAP_TIMEOUT_MS = 1_000

/** How many records' last delivered sequence numbers are remembered, at least. @default 100_000 */
const REMEMBERED_KEYS = 100_000

/** Orders items by sequence number; per key (record), `deliver` sees them in increasing order. */
export class CommitSequencer<T> {
  readonly #deliver: (item: T) => void
  readonly #keyOf: (item: T) => string
  readonly #gapTimeoutMs: number
  readonly #pending = new Map<number, T>()
  // Half its cap is what it keeps at least.
  readonly #lastByKey = new LruCache<string, number>(2 * REMEMBERED_KEYS)
  #next: number | null = null
  #timer: Timer | null = null
  #late = 0
  #superseded = 0

  constructor(deliver: (item: T) => void, keyOf: (item: T) => string, gapTimeoutMs = DEFAULT_GAP_TIMEOUT_MS) {
    this.#deliver = deliver
    this.#keyOf = keyOf
    this.#gapTimeoutMs = gapTimeoutMs
  }

  /** Items delivered after the sequencer had moved past them. */
  get late(): number {
    return this.#late
  }

  /** Whether items wait for a missing earlier number. */
  get waiting(): boolean {
    return this.#pending.size > 0
  }

  /** Items dropped because a later item for the same key was delivered first. */
  get superseded(): number {
    return this.#superseded
  }

  /** Sets the first number to wait for, when none was accepted yet (numbers before it never come). */
  startAt(seq: number): void {
    this.#next ??= seq
  }

  /** Accepts the item numbered `seq`. */
  push(seq: number, item: T): void {
    if (this.#next === null) this.#next = seq
    if (seq < this.#next) {
      this.#deliverLate(seq, item)
      return
    }
    if (this.#pending.has(seq)) return
    this.#pending.set(seq, item)
    this.#drain()
  }

  /** Stops the gap timer (the process is shutting down). */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }

  #deliverLate(seq: number, item: T): void {
    const key = this.#keyOf(item)
    if ((this.#lastByKey.get(key) ?? -1) >= seq) {
      this.#superseded++
      return
    }
    this.#late++
    this.#emit(seq, item)
  }

  #emit(seq: number, item: T): void {
    const key = this.#keyOf(item)
    this.#lastByKey.set(key, seq)
    this.#deliver(item)
  }

  #drain(): void {
    while (this.#next !== null && this.#pending.has(this.#next)) {
      const seq = this.#next
      const item = this.#pending.get(seq)!
      this.#pending.delete(seq)
      this.#next++
      this.#emit(seq, item)
    }
    if (this.#pending.size === 0) {
      this.close()
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => this.#skipGap(), this.#gapTimeoutMs)
    }
  }

  // The missing events are slow or lost (a publisher could not reach the broker): move on.
  #skipGap(): void {
    this.#timer = null
    if (this.#pending.size === 0) return
    this.#next = Math.min(...this.#pending.keys())
    this.#drain()
  }
}

/** The sequence numbers already taken: every number up to `floor`, plus the ones above it. */
export class SeenNumbers {
  #floor: number
  readonly #above = new Set<number>()

  /** @param floor every number up to it counts as seen */
  constructor(floor: number) {
    this.#floor = floor
  }

  /** Every number up to this one was seen. */
  get floor(): number {
    return this.#floor
  }

  has(seq: number): boolean {
    return seq <= this.#floor || this.#above.has(seq)
  }

  /** Counts every number up to `seq` as seen (they can no longer come). */
  skipThrough(seq: number): void {
    if (seq <= this.#floor) return
    for (const n of this.#above) if (n <= seq) this.#above.delete(n)
    this.#floor = seq
    while (this.#above.delete(this.#floor + 1)) this.#floor++
  }

  /** Marks `seq` seen; false when it already was. */
  add(seq: number): boolean {
    if (this.has(seq)) return false
    this.#above.add(seq)
    while (this.#above.delete(this.#floor + 1)) this.#floor++
    return true
  }
}
