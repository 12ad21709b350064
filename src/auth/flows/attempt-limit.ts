/**
 * @module
 * A fixed-window request counter per key (PocketBase's rate-limit rule shape: N requests per
 * window), used where guessing must be slowed down, like OTP codes.
 */

/** Counts requests per key; in memory, per process. */
export class AttemptLimit {
  readonly #max: number
  readonly #windowMs: number
  readonly #windows = new Map<string, { count: number; resetAt: number }>()

  constructor(max: number, windowMs: number) {
    this.#max = max
    this.#windowMs = windowMs
  }

  /** Counts one request; false once the key has used up its window. */
  allow(key: string, now = Date.now()): boolean {
    let window = this.#windows.get(key)
    if (!window || window.resetAt <= now) {
      if (this.#windows.size > 10_000) for (const [k, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(k)
      window = { count: 0, resetAt: now + this.#windowMs }
      this.#windows.set(key, window)
    }
    window.count++
    return window.count <= this.#max
  }
}
