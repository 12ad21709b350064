/**
 * listAuthMethods for combinations of enabled methods, and the OTP/MFA endpoints' answers to
 * bad input, compared with the reference PocketBase where it is installed.
 */
import { describe, expect, it } from "bun:test"
import type { TestServer } from "../support/servers.ts"
import { answersFromBoth } from "../support/differential.ts"
import { rawRequest, type RawAnswer } from "../support/raw-request.ts"

const PASSWORD = "member-password-1"

const COLLECTIONS: Array<Record<string, unknown>> = [
  { name: "plain", type: "auth" },
  { name: "no_password", type: "auth", passwordAuth: { enabled: false } },
  { name: "otp_only", type: "auth", passwordAuth: { enabled: false }, otp: { enabled: true, duration: 300, length: 6 } },
  { name: "mfa_otp", type: "auth", otp: { enabled: true, duration: 120 }, mfa: { enabled: true, duration: 900 } },
  { name: "oauth2_empty", type: "auth", oauth2: { enabled: true, providers: [] } },
]

type Answer = RawAnswer

const call = (server: TestServer, method: string, path: string, body?: unknown): Promise<Answer> =>
  rawRequest(server, { method, path: `/api/collections/${path}`, body, guest: true })

// Random ids differ between servers; their shape is what must match.
const shape = (answer: Answer) => JSON.parse(JSON.stringify(answer).replace(/"(otpId|mfaId)":"[a-z0-9]{15}"/g, '"$1":"<id>"'))

async function answers(server: TestServer): Promise<Record<string, Answer>> {
  for (const collection of COLLECTIONS) await server.admin.collections.create(collection)
  await server.admin.collection("mfa_otp").create({ email: "mfa@example.com", password: PASSWORD, passwordConfirm: PASSWORD })
  const out: Record<string, Answer> = {}
  for (const collection of [...COLLECTIONS.map((c) => String(c.name)), "users", "_superusers"]) {
    out[`auth-methods ${collection}`] = await call(server, "GET", `${collection}/auth-methods`)
  }
  out["request-otp disabled"] = await call(server, "POST", "plain/request-otp", { email: "a@example.com" })
  out["request-otp bad email"] = await call(server, "POST", "otp_only/request-otp", { email: "bad" })
  out["request-otp unknown email"] = shape(await call(server, "POST", "otp_only/request-otp", { email: "ghost@example.com" }))
  out["auth-with-otp empty"] = await call(server, "POST", "otp_only/auth-with-otp", {})
  out["auth-with-otp long password"] = await call(server, "POST", "otp_only/auth-with-otp", { otpId: "x", password: "1".repeat(72) })
  out["auth-with-otp unknown id"] = await call(server, "POST", "otp_only/auth-with-otp", { otpId: "aaaaaaaaaaaaaaa", password: "123456" })
  out["auth-with-otp disabled"] = await call(server, "POST", "plain/auth-with-otp", { otpId: "aaaaaaaaaaaaaaa", password: "123456" })
  out["mfa first step"] = shape(await call(server, "POST", "mfa_otp/auth-with-password", { identity: "mfa@example.com", password: PASSWORD }))
  out["mfa unknown session"] = await call(server, "POST", "mfa_otp/auth-with-password?mfaId=aaaaaaaaaaaaaaa", { identity: "mfa@example.com", password: PASSWORD })
  return out
}

describe("auth methods, OTP and MFA answer as the reference", () => {
  const both = answersFromBoth(answers)

  it("answers the OTP and MFA steps with the documented statuses", () => {
    const { ours } = both()
    expect(ours["request-otp disabled"]!.status).toBe(403)
    expect(ours["request-otp unknown email"]).toEqual({ status: 200, body: { otpId: "<id>" } })
    expect(ours["mfa first step"]).toEqual({ status: 401, body: { mfaId: "<id>" } })
  })

  it("matches the reference answer for answer", () => {
    const { ours, theirs } = both()
    if (!theirs) return
    const mismatched = Object.keys(ours).filter((key) => !Bun.deepEquals(ours[key], theirs[key]))
    for (const key of mismatched) console.log(key, JSON.stringify(ours[key]), "\n   ref:", JSON.stringify(theirs[key]))
    expect(mismatched).toEqual([])
  })
})
