/**
 * @module
 * Which rate limit rule applies to a request, as PocketBase picks it: labels are tried in order
 * (e.g. `users:create`, `*:create`, `POST /api/...`, `/api/...`); for each, an exact label match
 * wins, else a rule whose label ends in `/` and prefixes it; a rule's audience must fit the
 * request (`@guest`, `@auth` or everyone).
 */
import type { RateLimitRule } from "../settings/index.ts"

/** The first rule matching `labels` for a request of `audiences`, or null. */
export function findRateLimitRule(rules: readonly RateLimitRule[], labels: readonly string[], audiences: readonly string[]): RateLimitRule | null {
  const fits = (rule: RateLimitRule) => audiences.includes(rule.audience)
  const prefixRules = rules.filter((rule) => rule.label.endsWith("/"))
  for (const label of labels) {
    const match = rules.find((rule) => rule.label === label && fits(rule)) ?? prefixRules.find((rule) => `${label}/`.startsWith(rule.label) && fits(rule))
    if (match) return match
  }
  return null
}
