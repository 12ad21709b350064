/**
 * @module
 * Apple sends the user's name only once, in the form it posts to the redirect URL on the first
 * sign-in, never through an API. The redirect keeps it for a minute under its authorization code,
 * and the sign-in that exchanges that code takes it.
 */

/** How long a name waits for its sign-in (milliseconds). */
const KEEP_MS = 60_000
const MAX_NAME_LENGTH = 150
const MAX_ENTRIES = 10_000

/** Names by authorization code; in memory, per process. */
export class AppleNames {
  readonly #names = new Map<string, { name: string; until: number }>()

  /** Keeps the name from Apple's posted `user` JSON (`{"name":{"firstName","lastName"}}`); ignores anything else. */
  remember(code: string, userJson: string, now = Date.now()): void {
    if (code === "" || code.length > 1000 || userJson === "") return
    let parsed: { name?: { firstName?: unknown; lastName?: unknown } }
    try {
      parsed = JSON.parse(userJson)
    } catch {
      return
    }
    const first = typeof parsed?.name?.firstName === "string" ? parsed.name.firstName : ""
    const last = typeof parsed?.name?.lastName === "string" ? parsed.name.lastName : ""
    const name = `${first} ${last}`.slice(0, MAX_NAME_LENGTH).trim()
    if (name === "") return
    if (this.#names.size >= MAX_ENTRIES) for (const [key, entry] of this.#names) if (entry.until <= now) this.#names.delete(key)
    this.#names.set(code, { name, until: now + KEEP_MS })
  }

  /** The name kept for `code` (once), or "". */
  take(code: string, now = Date.now()): string {
    const entry = this.#names.get(code)
    this.#names.delete(code)
    return entry && entry.until > now ? entry.name : ""
  }
}
