/**
 * @module
 * In-memory brute-force protection for password logins. It only counts and decides; the HTTP
 * layer turns a refusal into 429 `Too Many Requests.` (optionally with `Retry-After`).
 */

/**
 * Tuning for {@link LoginThrottle}.
 *
 * Policy: failed logins are counted in fixed windows of `windowMs` that open at the first
 * failure of a key. Two keys are counted for every failure:
 * - the (identity, IP) pair: once it reaches `maxFailuresPerPair` failures, further attempts
 *   for that identity from that IP are refused until the pair's window closes;
 * - the IP alone: once it reaches `maxFailuresPerIp` failures (any identities), every attempt
 *   from that IP is refused until its window closes. This caps password spraying from one host.
 *
 * Every allowed attempt counts as a failure the moment it is admitted, before the password is
 * checked: otherwise a burst of concurrent requests would all pass the check while their bcrypt
 * comparisons run. A successful login then refunds it: the pair's count is cleared and the IP's
 * count gives back that one attempt (so logging into your own account neither costs nor buys
 * guesses at others). Refused attempts are not counted, so a blocked client regains access when
 * its window closes rather than extending the block forever.
 * There is deliberately no per-identity limit across IPs: it would let anyone lock a victim out.
 * Identities are compared trimmed and lower-cased.
 *
 * Memory: each table holds at most `maxKeys` entries. Expired entries are dropped on insert;
 * when a table is still full, the entry with the oldest window is evicted first.
 */
export interface ThrottleConfig {
  /** Failures allowed per (identity, IP) pair within one window. @default 5 */
  maxFailuresPerPair: number
  /** Failures allowed per IP, across identities, within one window. @default 20 */
  maxFailuresPerIp: number
  /** Window length in milliseconds. @default 60_000 */
  windowMs: number
  /** Upper bound on tracked keys in each table (pairs, IPs). @default 10_000 */
  maxKeys: number
  /** Clock in unix milliseconds, injectable for tests. @default Date.now */
  now: () => number
}

/** The defaults described on {@link ThrottleConfig}. */
export const DEFAULT_THROTTLE_CONFIG: Readonly<ThrottleConfig> = Object.freeze({
  maxFailuresPerPair: 5,
  maxFailuresPerIp: 20,
  windowMs: 60_000,
  maxKeys: 10_000,
  now: () => Date.now(),
})

/** Whether an attempt may proceed; when refused, which limit was hit and how long until it lifts. */
export type ThrottleDecision =
  | { allowed: true }
  | { allowed: false; reason: "pair" | "ip"; retryAfterMs: number }

/** Who is attempting: the submitted identity (scope it by collection if needed) and the client IP. */
export interface LoginAttempt {
  identity: string
  ip: string
}

interface Window {
  start: number
  failures: number
}

/** A bounded table of fixed windows, kept in window-start order so expiry scans stop early. */
class WindowTable {
  readonly #windows = new Map<string, Window>()
  readonly #windowMs: number
  readonly #maxKeys: number

  constructor(windowMs: number, maxKeys: number) {
    this.#windowMs = windowMs
    this.#maxKeys = maxKeys
  }

  get size(): number {
    return this.#windows.size
  }

  /** The live window of `key`, or undefined when it has none or it has closed. */
  get(key: string, now: number): Window | undefined {
    const window = this.#windows.get(key)
    if (window && now - window.start >= this.#windowMs) {
      this.#windows.delete(key)
      return undefined
    }
    return window
  }

  /** Milliseconds until `window` closes. */
  remaining(window: Window, now: number): number {
    return Math.max(0, window.start + this.#windowMs - now)
  }

  addFailure(key: string, now: number): void {
    const window = this.get(key, now)
    if (window) {
      window.failures++
      return
    }
    this.#makeRoom(now)
    // A new window goes to the end of the Map, which keeps the Map ordered by window start.
    this.#windows.set(key, { start: now, failures: 1 })
  }

  removeFailure(key: string, now: number): void {
    const window = this.get(key, now)
    if (window && window.failures > 0) window.failures--
  }

  delete(key: string): void {
    this.#windows.delete(key)
  }

  #makeRoom(now: number): void {
    if (this.#windows.size < this.#maxKeys) return
    for (const [key, window] of this.#windows) {
      if (now - window.start < this.#windowMs) break
      this.#windows.delete(key)
    }
    // Still full: evict the oldest windows. An attacker spraying keys can push out real entries,
    // which is why maxKeys should comfortably exceed the expected number of failing clients.
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < this.#maxKeys) break
      this.#windows.delete(key)
    }
  }
}

/**
 * Counts failed password logins per (identity, IP) pair and per IP and refuses attempts over the
 * limits in {@link ThrottleConfig}. Create one per app; state lives only in memory.
 *
 * @example
 * const decision = throttle.attempt({ identity, ip }) // counted as a failure for now
 * if (!decision.allowed) throw tooManyRequests()
 * if (await passwordMatches()) throttle.recordSuccess({ identity, ip })
 */
export class LoginThrottle {
  readonly #config: ThrottleConfig
  readonly #pairs: WindowTable
  readonly #ips: WindowTable

  constructor(config: Partial<ThrottleConfig> = {}) {
    const merged = { ...DEFAULT_THROTTLE_CONFIG, ...config }
    for (const name of ["maxFailuresPerPair", "maxFailuresPerIp", "windowMs", "maxKeys"] as const) {
      if (!Number.isFinite(merged[name]) || merged[name] < 1) throw new RangeError(`invalid throttle ${name}`)
    }
    this.#config = merged
    this.#pairs = new WindowTable(merged.windowMs, merged.maxKeys)
    this.#ips = new WindowTable(merged.windowMs, merged.maxKeys)
  }

  /** Decides whether this attempt would be allowed, without counting it. */
  check(attempt: LoginAttempt): ThrottleDecision {
    const now = this.#config.now()
    const ip = this.#ips.get(attempt.ip, now)
    if (ip && ip.failures >= this.#config.maxFailuresPerIp) {
      return { allowed: false, reason: "ip", retryAfterMs: this.#ips.remaining(ip, now) }
    }
    const pair = this.#pairs.get(pairKey(attempt), now)
    if (pair && pair.failures >= this.#config.maxFailuresPerPair) {
      return { allowed: false, reason: "pair", retryAfterMs: this.#pairs.remaining(pair, now) }
    }
    return { allowed: true }
  }

  /**
   * Decides whether this attempt may proceed and, when it may, counts it as a failure against the
   * pair and the IP until {@link recordSuccess} says otherwise.
   */
  attempt(attempt: LoginAttempt): ThrottleDecision {
    const decision = this.check(attempt)
    if (decision.allowed) {
      const now = this.#config.now()
      this.#pairs.addFailure(pairKey(attempt), now)
      this.#ips.addFailure(attempt.ip, now)
    }
    return decision
  }

  /** Refunds a successful attempt: clears the pair's failures and gives one back to the IP. */
  recordSuccess(attempt: LoginAttempt): void {
    this.#pairs.delete(pairKey(attempt))
    this.#ips.removeFailure(attempt.ip, this.#config.now())
  }

  /** Number of tracked (pair, IP) entries, for tests and metrics. */
  get size(): { pairs: number; ips: number } {
    return { pairs: this.#pairs.size, ips: this.#ips.size }
  }
}

// NUL cannot appear in an IP string, so the pair key is unambiguous.
const pairKey = ({ identity, ip }: LoginAttempt): string => `${ip}\u0000${identity.trim().toLowerCase()}`
