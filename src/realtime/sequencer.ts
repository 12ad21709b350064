/**
 * @module
 * Puts record events from several processes back into commit order. Every committed change
 * carries the database's commit sequence number; events arrive from the local process at once
 * and from others through the broker a little later. The sequencer holds an event while an
 * earlier number is missing, for at most `gapTimeoutMs`, and never delivers an event older than
 * one already delivered (so a late or repeated publish is dropped, not delivered twice).
 */

/** Default wait for a missing earlier event before skipping past it. @default 100 */
export const DEFAULT_GAP_TIMEOUT_MS = 100

/** Orders items by sequence number; `deliver` sees them in strictly increasing order. */
export class CommitSequencer<T> {
  readonly #deliver: (item: T) => void
  readonly #gapTimeoutMs: number
  readonly #pending = new Map<number, T>()
  #next: number | null = null
  #timer: Timer | null = null
  #dropped = 0

  constructor(deliver: (item: T) => void, gapTimeoutMs = DEFAULT_GAP_TIMEOUT_MS) {
    this.#deliver = deliver
    this.#gapTimeoutMs = gapTimeoutMs
  }

  /** Items dropped because something later was already delivered. */
  get dropped(): number {
    return this.#dropped
  }

  /** Accepts the item numbered `seq`. */
  push(seq: number, item: T): void {
    if (this.#next === null) this.#next = seq
    if (seq < this.#next || this.#pending.has(seq)) {
      this.#dropped++
      return
    }
    this.#pending.set(seq, item)
    this.#drain()
  }

  /** Stops the gap timer (the process is shutting down). */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }

  #drain(): void {
    while (this.#next !== null && this.#pending.has(this.#next)) {
      const item = this.#pending.get(this.#next)!
      this.#pending.delete(this.#next)
      this.#next++
      this.#deliver(item)
    }
    if (this.#pending.size === 0) {
      this.close()
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => this.#skipGap(), this.#gapTimeoutMs)
    }
  }

  // The missing events were lost (a publisher could not reach the broker): move on.
  #skipGap(): void {
    this.#timer = null
    if (this.#pending.size === 0) return
    this.#next = Math.min(...this.#pending.keys())
    this.#drain()
  }
}
