/**
 * @module
 * The rate limits of `settings.rateLimits`: off unless enabled; superusers and `excludedIPs`
 * exempt; the first matching rule counts the request per client IP and refuses it once its
 * window is used up. Settings are read per request, so a changed limit holds for the next one.
 */
import { ipInList } from "../core/ip-list.ts"
import type { SettingsService } from "../settings/index.ts"
import type { RateCounters } from "./counters.ts"
import { rateLimitTarget } from "./labels.ts"
import { findRateLimitRule } from "./rules.ts"

/** What the rate limits need to know about a request. */
export interface RateLimitRequest {
  method: string
  path: string
  /** The client IP after the trusted-proxy rules. */
  ip: string
  authenticated: boolean
  superuser: boolean
}

const AUTH_AUDIENCES = ["", "@auth"]
const GUEST_AUDIENCES = ["", "@guest"]

/** Decides whether a request is within its rate limit. */
export class RateLimits {
  readonly #settings: SettingsService
  readonly #counters: RateCounters
  readonly #findCollection: (idOrName: string) => { id: string; name: string } | undefined

  constructor(options: { settings: SettingsService; counters: RateCounters; findCollection: (idOrName: string) => { id: string; name: string } | undefined }) {
    this.#settings = options.settings
    this.#counters = options.counters
    this.#findCollection = options.findCollection
  }

  /** True when the request may proceed (and counts it against its rule). */
  allow(request: RateLimitRequest): boolean | Promise<boolean> {
    const { enabled, rules, excludedIPs } = this.#settings.get().rateLimits
    if (!enabled || request.superuser || request.ip === "" || ipInList(excludedIPs, request.ip)) return true
    const target = rateLimitTarget(request.method, request.path, this.#findCollection)
    if (!target) return true
    const rule = findRateLimitRule(rules, target.labels, request.authenticated ? AUTH_AUDIENCES : GUEST_AUDIENCES)
    if (!rule) return true
    const counter = `${target.collectionCounter ?? rule.label}${rule.audience}`
    // A changed rule gets fresh windows, as PocketBase drops its limiters on a settings change.
    return this.#counters.consume(`${counter}|${rule.maxRequests}/${rule.duration}|${request.ip}`, rule.maxRequests, rule.duration)
  }

  close(): void {
    this.#counters.close()
  }
}
