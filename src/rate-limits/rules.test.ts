import { describe, expect, it } from "bun:test"
import type { RateLimitRule } from "../settings/index.ts"
import { rateLimitTarget } from "./labels.ts"
import { findRateLimitRule } from "./rules.ts"

const rule = (label: string, audience = ""): RateLimitRule => ({ label, audience, duration: 1, maxRequests: 1 })
const EVERYONE_AND_GUESTS = ["", "@guest"]

describe("rate limit rules", () => {
  it("prefers an exact label in label order, then a path prefix", () => {
    const rules = [rule("/api/"), rule("*:create"), rule("users:create")]
    expect(findRateLimitRule(rules, ["users:create", "*:create", "POST /api/x", "/api/x"], EVERYONE_AND_GUESTS)?.label).toBe("users:create")
    expect(findRateLimitRule(rules, ["posts:create", "*:create", "POST /api/x", "/api/x"], EVERYONE_AND_GUESTS)?.label).toBe("*:create")
    expect(findRateLimitRule(rules, ["GET /api/health", "/api/health"], EVERYONE_AND_GUESTS)?.label).toBe("/api/")
    expect(findRateLimitRule([rule("/api/health/")], ["GET /api/health", "/api/health"], EVERYONE_AND_GUESTS)?.label).toBe("/api/health/")
  })

  it("skips rules for another audience", () => {
    expect(findRateLimitRule([rule("/api/", "@auth")], ["/api/x"], EVERYONE_AND_GUESTS)).toBeNull()
    expect(findRateLimitRule([rule("/api/", "@auth")], ["/api/x"], ["", "@auth"])?.label).toBe("/api/")
  })

  it("labels collection routes by action, with `auth` for the logins", () => {
    const find = (name: string) => (name === "users" ? { id: "_pb_users_auth_", name: "users" } : undefined)
    expect(rateLimitTarget("POST", "/api/collections/users/auth-with-password", find)?.labels).toEqual([
      "users:authWithPassword",
      "users:auth",
      "*:authWithPassword",
      "*:auth",
      "POST /api/collections/users/auth-with-password",
      "/api/collections/users/auth-with-password",
    ])
    expect(rateLimitTarget("GET", "/api/collections/missing/records", find)).toBeNull()
    expect(rateLimitTarget("GET", "/api/health", find)).toEqual({ labels: ["GET /api/health", "/api/health"], collectionCounter: null })
  })
})
