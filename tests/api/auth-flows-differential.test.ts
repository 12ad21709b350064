/**
 * Whole mail-driven flows run the same way against pocketbun and the reference PocketBase, both
 * sending through one loopback SMTP server: verification, password reset (and its replay), email
 * change, OTP sign-in, and MFA across password + OTP. The sequences of statuses and bodies (ids,
 * tokens and dates masked) must match.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import type { TestServer } from "../support/servers.ts"
import { answersFromBoth } from "../support/differential.ts"
import { rawRequest } from "../support/raw-request.ts"
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from "../support/smtp.ts"
import { routeMailTo, tokenIn } from "../support/mail.ts"

const PASSWORD = "password-123456"
type Step = { step: string; status: number; body: unknown }

const mask = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value ?? null), (key, v) =>
    ["id", "created", "updated", "token", "collectionId", "otpId", "mfaId", "email", "avatar"].includes(key) && typeof v === "string" && v !== "" ? "<x>" : v)

describe("mail-driven flows behave as the reference", () => {
  let smtp: TestSmtpServer
  beforeAll(async () => {
    smtp = await startSmtpServer()
  })
  afterAll(() => smtp.stop())

  async function scenario(server: TestServer): Promise<Step[]> {
    await routeMailTo(server, smtp)
    const steps: Step[] = []
    const call = async (step: string, path: string, body: unknown, token = "") => {
      const answer = await rawRequest(server, { method: "POST", path: `/api/collections/${path}`, body, guest: true, headers: token ? { authorization: token } : {} })
      steps.push({ step, status: answer.status, body: mask(answer.body) })
      return answer.body as Record<string, any>
    }
    const mail = (to: string, what: (m: ReceivedMail) => boolean = () => true) => smtp.waitFor((m) => m.to.includes(to) && what(m))
    const address = (name: string) => `${name}-${server.name}@example.com`

    const ann = address("ann")
    await server.admin.collection("users").create({ email: ann, password: PASSWORD, passwordConfirm: PASSWORD })
    await call("request verification", "users/request-verification", { email: ann })
    const verification = tokenIn(await mail(ann, (m) => m.html.includes("confirm-verification")))
    await call("confirm verification", "users/confirm-verification", { token: verification })
    await call("confirm verification again", "users/confirm-verification", { token: verification })

    await call("request reset", "users/request-password-reset", { email: ann })
    const reset = tokenIn(await mail(ann, (m) => m.html.includes("confirm-password-reset")))
    await call("confirm reset", "users/confirm-password-reset", { token: reset, password: "new-password-1", passwordConfirm: "new-password-1" })
    await call("replay reset", "users/confirm-password-reset", { token: reset, password: "new-password-2", passwordConfirm: "new-password-2" })
    const login = await call("login with new password", "users/auth-with-password", { identity: ann, password: "new-password-1" })

    const next = address("ann-next")
    await call("request email change", "users/request-email-change", { newEmail: next }, login.token)
    const change = tokenIn(await mail(next))
    await call("confirm email change, wrong password", "users/confirm-email-change", { token: change, password: "nope" })
    await call("confirm email change", "users/confirm-email-change", { token: change, password: "new-password-1" })
    await call("old token after the change", "users/auth-refresh", {}, login.token)

    await server.admin.collections.create({ name: "guarded", type: "auth", otp: { enabled: true, length: 6 }, mfa: { enabled: true } })
    const ben = address("ben")
    await server.admin.collection("guarded").create({ email: ben, password: PASSWORD, passwordConfirm: PASSWORD })
    const first = await call("mfa: password first", "guarded/auth-with-password", { identity: ben, password: PASSWORD })
    await call("mfa: password again", `guarded/auth-with-password?mfaId=${first.mfaId}`, { identity: ben, password: PASSWORD })
    const { otpId } = await call("mfa: request otp", "guarded/request-otp", { email: ben })
    const code = /\b(\d{6})\b/.exec((await mail(ben)).text)?.[1] ?? ""
    await call("mfa: wrong otp", "guarded/auth-with-otp", { otpId, password: code === "000000" ? "111111" : "000000", mfaId: first.mfaId })
    await call("mfa: otp second", "guarded/auth-with-otp", { otpId, password: code, mfaId: first.mfaId })
    await call("otp replay", "guarded/auth-with-otp", { otpId, password: code })
    return steps
  }

  const both = answersFromBoth(scenario)

  it("completes every flow", () => {
    const statuses = Object.fromEntries(both().ours.map((s) => [s.step, s.status]))
    expect(statuses["confirm verification"]).toBe(204)
    expect(statuses["replay reset"]).toBe(400)
    expect(statuses["old token after the change"]).toBe(401)
    expect(statuses["mfa: password first"]).toBe(401)
    expect(statuses["mfa: otp second"]).toBe(200)
  })

  it("matches the reference step by step", () => {
    const { ours, theirs } = both()
    if (theirs) expect(ours).toEqual(theirs)
  })
})
