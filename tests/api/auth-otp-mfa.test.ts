/**
 * OTP sign-in, MFA across two methods, and new-device login alerts, end to end through the
 * official SDK with mail read back from a loopback SMTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { failure } from "../support/records-fixture.ts"
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from "../support/smtp.ts"
import { routeMailTo } from "../support/mail.ts"
import { waitFor } from "../support/realtime.ts"

const PASSWORD = "password-123456"

const codeIn = (mail: ReceivedMail) => /<strong>(\d+)<\/strong>/.exec(mail.html)?.[1] ?? ""

describe("OTP, MFA and login alerts", () => {
  let server: PocketbunServer
  let smtp: TestSmtpServer
  let n = 0

  beforeAll(async () => {
    smtp = await startSmtpServer()
    server = await startPocketbun()
    await routeMailTo(server, smtp)
    await server.admin.collections.create({
      name: "members", type: "auth",
      fields: [{ name: "name", type: "text" }],
      otp: { enabled: true, length: 6, duration: 120 },
      authAlert: { enabled: false },
    })
  })
  afterAll(async () => {
    await server.stop()
    await smtp.stop()
  })

  async function member(collection = "members", extra: Record<string, unknown> = {}) {
    const email = `m${++n}-${Date.now()}@example.com`
    const record = await server.admin.collection(collection).create({ email, password: PASSWORD, passwordConfirm: PASSWORD, ...extra })
    return { id: record.id, email }
  }
  const otpMail = (email: string) => smtp.waitFor((m) => m.to.includes(email) && codeIn(m) !== "")

  describe("OTP", () => {
    it("mails a code of the configured length that signs in once and verifies the address", async () => {
      const user = await member()
      const pb = server.client()
      const { otpId } = await pb.collection("members").requestOTP(user.email)
      expect(otpId).toMatch(/^[a-z0-9]{15}$/)
      const code = codeIn(await otpMail(user.email))
      expect(code).toMatch(/^\d{6}$/)
      const auth = await pb.collection("members").authWithOTP(otpId, code)
      expect(auth.record.id).toBe(user.id)
      expect(auth.record.verified).toBe(true)
      const replay = await failure(server.client().collection("members").authWithOTP(otpId, code))
      expect(replay.data).toEqual({ status: 400, message: "Invalid or expired OTP.", data: {} })
    })

    it("answers an unknown email like a known one, with an id that leads nowhere", async () => {
      const pb = server.client()
      const { otpId } = await pb.collection("members").requestOTP("nobody@example.com")
      expect(otpId).toMatch(/^[a-z0-9]{15}$/)
      expect((await failure(pb.collection("members").authWithOTP(otpId, "123456"))).status).toBe(400)
    })

    it("allows 5 tries per record before answering 429", async () => {
      const user = await member()
      const pb = server.client()
      const { otpId } = await pb.collection("members").requestOTP(user.email)
      const code = codeIn(await otpMail(user.email))
      const wrong = code === "000000" ? "111111" : "000000"
      for (let i = 0; i < 5; i++) expect((await failure(pb.collection("members").authWithOTP(otpId, wrong))).status).toBe(400)
      const blocked = await failure(pb.collection("members").authWithOTP(otpId, code))
      expect(blocked.data).toEqual({ status: 429, message: "Too many attempts, please try again later with a new OTP.", data: {} })
    })

    it("refuses codes once expired, and the clean-up deletes them", async () => {
      const user = await member()
      const pb = server.client()
      const { otpId } = await pb.collection("members").requestOTP(user.email)
      const code = codeIn(await otpMail(user.email))
      const otps = server.app.services.collections.get("_otps")
      const stored = server.app.services.records.findById(otps, otpId)!
      server.app.services.records.update(otps, { ...stored, created: "2020-01-01 00:00:00.000Z" }, stored)
      expect((await failure(pb.collection("members").authWithOTP(otpId, code))).status).toBe(400)
      expect(await server.admin.crons.run("__pbOTPCleanup__")).toBe(true)
      expect(server.app.services.records.findById(otps, otpId)).toBeNull()
    })

    it("answers 403 where OTP is off and validates the form", async () => {
      const pb = server.client()
      expect((await failure(pb.collection("users").requestOTP("a@example.com"))).data.message).toBe("The collection is not configured to allow OTP authentication.")
      const invalid = await failure(pb.collection("members").authWithOTP("", ""))
      expect(Object.keys(invalid.data.data).sort()).toEqual(["otpId", "password"])
    })

    it("keeps the code out of the _otps API", async () => {
      const user = await member()
      const { otpId } = await server.client().collection("members").requestOTP(user.email)
      await otpMail(user.email)
      await waitFor(async () => (await server.admin.collection("_otps").getOne(otpId)).sentTo === user.email, 3_000, "sentTo to be set")
      const row = await server.admin.collection("_otps").getOne(otpId)
      expect(row.password ?? "").toBe("")
      expect(JSON.stringify(row)).not.toContain("$2")
    })
  })

  describe("MFA", () => {
    beforeAll(async () => {
      await server.admin.collections.create({
        name: "guarded", type: "auth",
        otp: { enabled: true, length: 8, duration: 120 },
        mfa: { enabled: true, duration: 600, rule: "" },
        authAlert: { enabled: false },
      })
    })

    it("needs a second, different method within the MFA session", async () => {
      const user = await member("guarded")
      const pb = server.client()
      const first = await failure(pb.collection("guarded").authWithPassword(user.email, PASSWORD))
      expect(first.status).toBe(401)
      const mfaId = first.data.mfaId as string
      expect(mfaId).toMatch(/^[a-z0-9]{15}$/)
      expect(Object.keys(first.data)).toEqual(["mfaId"])
      // the same method again does not count as a second factor
      const again = await failure(pb.collection("guarded").authWithPassword(user.email, PASSWORD, { mfaId }))
      expect(again.data.message).toBe("A different authentication method is required.")
      const { otpId } = await pb.collection("guarded").requestOTP(user.email)
      const code = codeIn(await otpMail(user.email))
      const auth = await pb.collection("guarded").authWithOTP(otpId, code, { mfaId })
      expect(auth.record.id).toBe(user.id)
      expect(pb.authStore.isValid).toBe(true)
      // the session is used up
      const reused = await failure(server.client().collection("guarded").authWithPassword(user.email, PASSWORD, { mfaId }))
      expect(reused.data.message).toBe("Invalid or expired MFA session.")
    })

    it("refuses another record's MFA session", async () => {
      const a = await member("guarded")
      const b = await member("guarded")
      const mfaId = (await failure(server.client().collection("guarded").authWithPassword(a.email, PASSWORD))).data.mfaId
      const pb = server.client()
      const { otpId } = await pb.collection("guarded").requestOTP(b.email)
      const code = codeIn(await otpMail(b.email))
      expect((await failure(pb.collection("guarded").authWithOTP(otpId, code, { mfaId }))).data.message).toBe("Invalid MFA session.")
    })

    it("applies only where the MFA rule matches", async () => {
      await server.admin.collections.update("guarded", { mfa: { enabled: true, duration: 600, rule: "verified = true" } })
      const unverified = await member("guarded")
      expect((await server.client().collection("guarded").authWithPassword(unverified.email, PASSWORD)).record.id).toBe(unverified.id)
      const verified = await member("guarded", { verified: true })
      expect((await failure(server.client().collection("guarded").authWithPassword(verified.email, PASSWORD))).status).toBe(401)
    })
  })

  describe("login alerts", () => {
    it("mails on a login from a new device, not on the first login or a known device", async () => {
      await server.admin.collections.create({ name: "alerted", type: "auth", authAlert: { enabled: true } })
      const user = await member("alerted")
      const login = (agent: string) =>
        fetch(`${server.url}/api/collections/alerted/auth-with-password`, {
          method: "POST", headers: { "content-type": "application/json", "user-agent": agent }, body: JSON.stringify({ identity: user.email, password: PASSWORD }),
        })
      expect((await login("device-one")).status).toBe(200)
      expect((await login("device-one")).status).toBe(200)
      await Bun.sleep(200)
      expect(smtp.messages.some((m) => m.to.includes(user.email))).toBe(false)
      expect((await login("device-two")).status).toBe(200)
      const alert = await smtp.waitFor((m) => m.to.includes(user.email))
      expect(alert.html).toContain("device-two")
      const origins = await server.admin.collection("_authOrigins").getFullList({ filter: `recordRef = "${user.id}"` })
      expect(origins).toHaveLength(2)
    })
  })
})
