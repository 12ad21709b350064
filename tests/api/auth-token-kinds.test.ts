/**
 * Security of the record tokens across the auth flows: a token of one kind never works as
 * another (auth, verification, password reset, email change, file), an expired one of any kind
 * is refused, and an impersonation token is for superusers to mint, lasts the given duration
 * and is never renewed.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import PocketBase from "pocketbase"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { claimsOf } from "../fixtures/tokens.ts"
import { signAuthToken, signEmailChangeToken, signFileToken, signPasswordResetToken, signVerificationToken, type TokenType } from "../../src/auth/tokens.ts"

const PASSWORD = "password-123456"

describe("token kinds", () => {
  let server: PocketbunServer
  let userId = ""
  const email = "kinds@example.com"

  beforeAll(async () => {
    server = await startPocketbun()
    userId = (await server.admin.collection("users").create({ email, password: PASSWORD, passwordConfirm: PASSWORD })).id
  })
  afterAll(() => server.stop())

  // Mints a token of `kind` for the user with the collection's own secret for that kind.
  function mint(kind: TokenType, now = Date.now()): string {
    const users = server.app.services.collections.get("users")
    const stored = server.app.services.records.findById(users, userId)!
    const subject = { id: userId, collectionId: users.id, tokenKey: String(stored.tokenKey), email }
    const secret = (option: string) => ({ secret: (users[option] as { secret: string }).secret, now })
    return {
      auth: () => signAuthToken(subject, secret("authToken")),
      verification: () => signVerificationToken(subject, secret("verificationToken")),
      passwordReset: () => signPasswordResetToken(subject, secret("passwordResetToken")),
      emailChange: () => signEmailChangeToken({ ...subject, newEmail: "kinds-new@example.com" }, secret("emailChangeToken")),
      file: () => signFileToken(subject, secret("fileToken")),
    }[kind]()
  }

  const post = async (path: string, body: unknown, token = "") => {
    const headers: Record<string, string> = { "content-type": "application/json" }
    if (token) headers.authorization = token
    return (await fetch(`${server.url}/api/collections/users/${path}`, { method: "POST", headers, body: JSON.stringify(body) })).status
  }

  // The endpoints that accept the token: auth-refresh answers 200; the confirm forms report no `token` error
  // (their password checks fail, so nothing changes).
  async function acceptedBy(token: string): Promise<string[]> {
    const accepted: string[] = []
    if ((await post("auth-refresh", {}, token)) === 200) accepted.push("auth")
    const reset = await fetch(`${server.url}/api/collections/users/confirm-password-reset`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, password: "short", passwordConfirm: "short" }),
    }).then((r) => r.json() as Promise<{ data: Record<string, { code: string }> }>)
    if (!reset.data.token) accepted.push("passwordReset")
    const change = await fetch(`${server.url}/api/collections/users/confirm-email-change`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, password: "" }),
    }).then((r) => r.json() as Promise<{ data: Record<string, { code: string }> }>)
    if (!change.data.token) accepted.push("emailChange")
    return accepted
  }

  for (const kind of ["auth", "passwordReset", "emailChange", "verification", "file"] as const) {
    it(`a ${kind} token passes only where ${kind} tokens are expected`, async () => {
      const expected = kind === "auth" || kind === "passwordReset" || kind === "emailChange" ? [kind] : []
      expect(await acceptedBy(mint(kind))).toEqual(expected)
    })

    it(`an expired ${kind} token passes nowhere`, async () => {
      expect(await acceptedBy(mint(kind, Date.now() - 10 * 86_400_000))).toEqual([])
    })
  }

  it("confirms a verification only with a verification token", async () => {
    for (const kind of ["auth", "passwordReset", "emailChange", "file"] as const) {
      expect(await post("confirm-verification", { token: mint(kind) })).toBe(400)
    }
    expect(await post("confirm-verification", { token: mint("verification") })).toBe(204)
  })

  it("impersonation: a non-renewable token of the given duration, for superusers only", async () => {
    const impersonated: PocketBase = await server.admin.collection("users").impersonate(userId, 3600)
    const token = impersonated.authStore.token
    const claims = claimsOf(token)
    expect(claims.refreshable).toBe(false)
    expect(claims.exp as number).toBeGreaterThan(Date.now() / 1000 + 3600 - 30)
    expect(claims.exp as number).toBeLessThanOrEqual(Date.now() / 1000 + 3600 + 1)
    const refreshed = await impersonated.collection("users").authRefresh()
    expect(refreshed.token).toBe(token)
    const user = new PocketBase(server.url)
    await user.collection("users").authWithPassword(email, PASSWORD)
    expect(await post(`impersonate/${userId}`, { duration: 60 }, user.authStore.token)).toBe(403)
  })
})
