/**
 * Bad input to every auth-flow endpoint gets a 4xx JSON error, never a 5xx, a hang or a reset:
 * wrong JSON types, malformed JSON, other content types, huge values, garbage tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"

const ENDPOINTS = [
  "request-verification", "confirm-verification", "request-password-reset", "confirm-password-reset",
  "request-email-change", "confirm-email-change", "request-otp", "auth-with-otp", "auth-with-oauth2",
]

const FIELDS = ["email", "token", "password", "passwordConfirm", "newEmail", "otpId", "provider", "code", "codeVerifier", "redirectURL", "createData", "mfaId", "identity"]

const VALUES: unknown[] = [null, 1e308, true, ["a"], { $gt: "" }, "", "x".repeat(100_000), "\u0000", "eyJhbGciOiJub25lIn0.eyJ0eXBlIjoiYXV0aCJ9.", "' OR 1=1 --"]

describe("auth flows never fail on bad input", () => {
  let server: PocketbunServer
  let token = ""

  beforeAll(async () => {
    server = await startPocketbun()
    await server.admin.collections.update("users", { otp: { enabled: true }, mfa: { enabled: true }, oauth2: { enabled: true, providers: [{ name: "oidc", clientId: "c", clientSecret: "s", authURL: "http://127.0.0.1:1/a", tokenURL: "http://127.0.0.1:1/t", userInfoURL: "http://127.0.0.1:1/u" }] } })
    const password = "password-123456"
    await server.admin.collection("users").create({ email: "bad-input@example.com", password, passwordConfirm: password })
    token = server.admin.authStore.token
  })
  afterAll(() => server.stop())

  async function send(endpoint: string, body: string, contentType = "application/json", auth = "") {
    const headers: Record<string, string> = { "content-type": contentType }
    if (auth) headers.authorization = auth
    const response = await fetch(`${server.url}/api/collections/users/${endpoint}`, { method: "POST", headers, body })
    const text = await response.text()
    return { status: response.status, text }
  }

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint}: typed garbage in every field`, async () => {
      // request-otp hashes a code for every well-formed email (bcrypt), so only its own field varies.
      for (const field of endpoint === "request-otp" ? ["email"] : FIELDS) {
        for (const value of VALUES) {
          const { status, text } = await send(endpoint, JSON.stringify({ [field]: value, email: field === "email" ? value : "bad-input@example.com" }))
          expect({ endpoint, field, value: String(value).slice(0, 30), ok: status < 500 && (text === "" || text.startsWith("{")) })
            .toEqual({ endpoint, field, value: String(value).slice(0, 30), ok: true })
        }
      }
    }, 60_000)

    it(`${endpoint}: malformed bodies`, async () => {
      for (const [body, type] of [["{", "application/json"], ["[1,2]", "application/json"], ["<x/>", "text/xml"], ["a=1&b", "application/x-www-form-urlencoded"], ["\u0000\u0001", "application/octet-stream"]] as const) {
        expect((await send(endpoint, body, type)).status).toBeLessThan(500)
        expect((await send(endpoint, body, type, token)).status).toBeLessThan(500)
      }
    })
  }

  it("the OAuth2 redirect answers a page whatever it gets", async () => {
    for (const query of ["", "?state=", "?state=x&code=y", `?state=${"s".repeat(5000)}`, "?error=%00"]) {
      expect((await fetch(`${server.url}/api/oauth2-redirect${query}`)).status).toBe(200)
    }
    const posted = await fetch(`${server.url}/api/oauth2-redirect`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" })
    expect(posted.status).toBe(200)
  })
})
