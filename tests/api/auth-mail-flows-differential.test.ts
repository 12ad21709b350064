/**
 * The request/confirm endpoints of verification, password reset and email change answer bad
 * input, unknown emails and missing auth exactly as the reference PocketBase does (status and
 * body), where the reference is installed.
 */
import { describe, expect, it } from "bun:test"
import type { TestServer } from "../support/servers.ts"
import { answersFromBoth } from "../support/differential.ts"
import { rawRequest } from "../support/raw-request.ts"

type Case = [name: string, path: string, body: unknown, auth?: "user" | "superuser"]

const CASES: Case[] = [
  ["verification: empty body", "users/request-verification", {}],
  ["verification: malformed email", "users/request-verification", { email: "nope" }],
  ["verification: non-string email", "users/request-verification", { email: 5 }],
  ["verification: unknown email", "users/request-verification", { email: "ghost@example.com" }],
  ["verification: superusers", "_superusers/request-verification", { email: "admin@example.com" }],
  ["verification: unknown collection", "missing/request-verification", { email: "ghost@example.com" }],
  ["confirm verification: empty", "users/confirm-verification", {}],
  ["confirm verification: garbage token", "users/confirm-verification", { token: "garbage" }],
  ["reset: empty body", "users/request-password-reset", {}],
  ["reset: unknown email", "users/request-password-reset", { email: "ghost@example.com" }],
  ["reset: too long email", "users/request-password-reset", { email: `${"a".repeat(250)}@example.com` }],
  ["confirm reset: empty", "users/confirm-password-reset", {}],
  ["confirm reset: mismatch", "users/confirm-password-reset", { token: "x.y.z", password: "abc", passwordConfirm: "abd" }],
  ["email change: guest", "users/request-email-change", { newEmail: "new@example.com" }],
  ["email change: superuser on users", "users/request-email-change", { newEmail: "new@example.com" }, "superuser"],
  ["email change: same address", "users/request-email-change", { newEmail: "member@example.com" }, "user"],
  ["email change: malformed", "users/request-email-change", { newEmail: "bad" }, "user"],
  ["confirm email change: empty", "users/confirm-email-change", {}],
  ["confirm email change: garbage", "users/confirm-email-change", { token: "garbage", password: "x" }],
]

async function answers(server: TestServer): Promise<Record<string, { status: number; body: unknown }>> {
  const password = "member-password-1"
  await server.admin.collection("users").create({ email: "member@example.com", password, passwordConfirm: password })
  const user = (await server.client().collection("users").authWithPassword("member@example.com", password)).token
  const tokens = { user, superuser: server.admin.authStore.token }
  const out: Record<string, { status: number; body: unknown }> = {}
  for (const [name, path, body, auth] of CASES) {
    const headers: Record<string, string> = auth ? { authorization: tokens[auth] } : {}
    out[name] = await rawRequest(server, { method: "POST", path: `/api/collections/${path}`, body, guest: true, headers })
  }
  return out
}

describe("mail-driven auth endpoints answer as the reference", () => {
  const both = answersFromBoth(answers)

  it("never answers 5xx", () => {
    for (const [name, answer] of Object.entries(both().ours)) expect({ name, server: answer.status < 500 }).toEqual({ name, server: true })
  })

  for (const [name] of CASES) {
    it(name, () => {
      const { ours, theirs } = both()
      if (theirs) expect(ours[name]).toEqual(theirs[name]!)
    })
  }
})
