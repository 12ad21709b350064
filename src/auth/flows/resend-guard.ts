/**
 * @module
 * Remembers, per record and kind, that a mail went out recently, so repeated requests within
 * the window answer 204 without mailing again (PocketBase waits 2 minutes).
 */

/** How long a sent verification or reset mail blocks the next one (milliseconds). */
export const RESEND_WINDOW_MS = 2 * 60_000

/** In-memory, per process: a best-effort guard against mail floods, as in PocketBase. */
export class ResendGuard {
  readonly #until = new Map<string, number>()

  /** True while a mail for this key was sent within the window. */
  blocked(key: string, now = Date.now()): boolean {
    const until = this.#until.get(key)
    if (until === undefined) return false
    if (until > now) return true
    this.#until.delete(key)
    return false
  }

  /** Starts the window for this key. */
  mark(key: string, now = Date.now()): void {
    this.#until.set(key, now + RESEND_WINDOW_MS)
    if (this.#until.size > 10_000) for (const [k, until] of this.#until) if (until <= now) this.#until.delete(k)
  }

  /** Ends the window early (the flow completed). */
  clear(key: string): void {
    this.#until.delete(key)
  }
}
