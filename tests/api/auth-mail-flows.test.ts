/**
 * Verification, password reset and email change end to end: the official SDK against pocketbun,
 * mail read back from a real SMTP server on loopback, realtime update events observed through
 * the SDK. Also the security properties: no enumeration, tokens of one kind never pass as
 * another, expired and replayed tokens refused, earlier tokens dead after a reset or change.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import PocketBase from "pocketbase"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { failure } from "../support/records-fixture.ts"
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.ts"
import { routeMailTo, tokenIn, TEST_META } from "../support/mail.ts"
import { EventCollector } from "../support/realtime.ts"
import { signPasswordResetToken, signVerificationToken } from "../../src/auth/tokens.ts"

const PASSWORD = "password-123456"

describe("mail-driven auth flows", () => {
  let server: PocketbunServer
  let smtp: TestSmtpServer
  let n = 0
  const email = () => `user${++n}-${Date.now()}@example.com`

  beforeAll(async () => {
    smtp = await startSmtpServer()
    server = await startPocketbun()
    await routeMailTo(server, smtp)
  })
  afterAll(async () => {
    await server.stop()
    await smtp.stop()
  })

  async function signUp(address = email()) {
    const pb = server.client()
    const record = await pb.collection("users").create({ email: address, password: PASSWORD, passwordConfirm: PASSWORD })
    return { id: record.id, email: address }
  }

  const mailTo = (address: string, subjectPart: string) => smtp.waitFor((m) => m.to.includes(address) && m.subject.includes(subjectPart))
  const collectionOf = () => server.app.services.collections.get("users")

  describe("verification", () => {
    it("mails a token that verifies the account, and the update reaches realtime subscribers", async () => {
      const user = await signUp()
      const events = new EventCollector("users/*")
      const unsubscribe = await server.admin.collection("users").subscribe("*", events.push)
      const pb = server.client()
      expect(await pb.collection("users").requestVerification(user.email)).toBe(true)
      const mail = await mailTo(user.email, "verify")
      expect(mail.parsed.from?.value[0]).toEqual({ address: TEST_META.senderAddress, name: TEST_META.senderName })
      expect(mail.html).toContain(`${TEST_META.appURL}/_/#/auth/confirm-verification/`)
      expect(mail.subject).toContain(TEST_META.appName)
      expect(await pb.collection("users").confirmVerification(tokenIn(mail))).toBe(true)
      const event = await events.find((e) => e.action === "update" && e.record.id === user.id, "the verified update")
      expect(event.record.verified).toBe(true)
      expect((await server.admin.collection("users").getOne(user.id)).verified).toBe(true)
      await unsubscribe()
    })

    it("answers 204 and mails nothing for unknown or already verified emails", async () => {
      const pb = server.client()
      const before = smtp.messages.length
      const unknown = await fetch(`${server.url}/api/collections/users/request-verification`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "nobody-here@example.com" }) })
      expect(unknown.status).toBe(204)
      const verified = await signUp()
      await server.admin.collection("users").update(verified.id, { verified: true })
      expect(await pb.collection("users").requestVerification(verified.email)).toBe(true)
      await Bun.sleep(200) // nothing is expected to arrive; give a wrong send the chance to show
      expect(smtp.messages.length).toBe(before)
    })

    it("mails once per window however often it is asked", async () => {
      const user = await signUp()
      const pb = server.client()
      await pb.collection("users").requestVerification(user.email)
      await mailTo(user.email, "verify")
      await pb.collection("users").requestVerification(user.email)
      await pb.collection("users").requestVerification(user.email)
      await Bun.sleep(200)
      expect(smtp.messages.filter((m) => m.to.includes(user.email)).length).toBe(1)
    })

    it("refuses expired tokens, tokens of another kind, and superusers", async () => {
      const user = await signUp()
      const stored = server.app.services.records.findById(collectionOf(), user.id)!
      const subject = { id: user.id, collectionId: collectionOf().id, tokenKey: String(stored.tokenKey), email: user.email }
      const secret = (collectionOf().verificationToken as { secret: string }).secret
      const expired = signVerificationToken(subject, { secret, duration: 60, now: Date.now() - 120_000 })
      const pb = server.client()
      expect((await failure(pb.collection("users").confirmVerification(expired))).data.data.token.code).toBe("validation_invalid_token")
      // a password reset token carries an email claim too, but is signed with another secret
      const reset = signPasswordResetToken(subject, { secret: (collectionOf().passwordResetToken as { secret: string }).secret })
      expect((await failure(pb.collection("users").confirmVerification(reset))).status).toBe(400)
      const auth = (await pb.collection("users").authWithPassword(user.email, PASSWORD)).token
      expect((await failure(pb.collection("users").confirmVerification(auth))).data.data.token.code).toBe("validation_invalid_token_claims")
      expect((await failure(pb.collection("_superusers").requestVerification("admin@example.com"))).data.message).toBe("All superusers are verified by default.")
      // the verification token is not an auth token either
      const valid = signVerificationToken(subject, { secret })
      const asAuth = new PocketBase(server.url)
      asAuth.authStore.save(valid)
      expect((await failure(asAuth.collection("users").authRefresh())).status).toBe(401)
    })
  })

  describe("password reset", () => {
    it("sets the new password, ends earlier sessions, and the token works once", async () => {
      const user = await signUp()
      const pb = server.client()
      const old = await pb.collection("users").authWithPassword(user.email, PASSWORD)
      expect(await server.client().collection("users").requestPasswordReset(user.email)).toBe(true)
      const mail = await mailTo(user.email, "password")
      expect(mail.html).toContain("/_/#/auth/confirm-password-reset/")
      const token = tokenIn(mail)
      const fresh = server.client()
      expect(await fresh.collection("users").confirmPasswordReset(token, "new-password-1", "new-password-1")).toBe(true)
      // the old auth token died with the token key
      expect((await failure(pb.collection("users").authRefresh())).status).toBe(401)
      expect(old.token).not.toBe("")
      await fresh.collection("users").authWithPassword(user.email, "new-password-1")
      // a password reset proves the mailbox: the account is verified now
      expect(fresh.authStore.record?.verified).toBe(true)
      // replayed: the token key it was signed with is gone
      const replay = await failure(fresh.collection("users").confirmPasswordReset(token, "another-pass-2", "another-pass-2"))
      expect(replay.data.data.token.code).toBe("validation_invalid_token")
    })

    it("answers 204 for unknown emails and 400 for a malformed one", async () => {
      const pb = server.client()
      expect(await pb.collection("users").requestPasswordReset("ghost@example.com")).toBe(true)
      const bad = await failure(pb.collection("users").requestPasswordReset("not-an-email"))
      expect(bad.data.data.email.code).toBe("validation_is_email")
    })

    it("checks the new password and its confirmation", async () => {
      const pb = server.client()
      const result = await failure(pb.collection("users").confirmPasswordReset("", "short", "other"))
      expect(result.data.data.token.code).toBe("validation_required")
      expect(result.data.data.password.code).toBe("validation_length_out_of_range")
      expect(result.data.data.passwordConfirm.code).toBe("validation_values_mismatch")
    })
  })

  describe("email change", () => {
    it("mails the new address and switches email on confirm, ending earlier sessions", async () => {
      const user = await signUp()
      const pb = server.client()
      await pb.collection("users").authWithPassword(user.email, PASSWORD)
      const next = email()
      expect(await pb.collection("users").requestEmailChange(next)).toBe(true)
      const mail = await mailTo(next, "email")
      expect(mail.html).toContain("/_/#/auth/confirm-email-change/")
      const token = tokenIn(mail)
      const wrong = await failure(server.client().collection("users").confirmEmailChange(token, "wrong-password"))
      expect(wrong.data.data.password.code).toBe("validation_invalid_password")
      expect(await server.client().collection("users").confirmEmailChange(token, PASSWORD)).toBe(true)
      const stored = await server.admin.collection("users").getOne(user.id)
      expect(stored.email).toBe(next)
      expect(stored.verified).toBe(true)
      expect((await failure(pb.collection("users").authRefresh())).status).toBe(401)
      expect((await failure(server.client().collection("users").confirmEmailChange(token, PASSWORD))).status).toBe(400)
    })

    it("needs a signed-in record of the collection and a free, different address", async () => {
      const guest = server.client()
      expect((await failure(guest.collection("users").requestEmailChange("x@example.com"))).status).toBe(401)
      expect((await failure(server.admin.collection("users").requestEmailChange("x@example.com"))).status).toBe(403)
      const a = await signUp()
      const b = await signUp()
      const pb = server.client()
      await pb.collection("users").authWithPassword(a.email, PASSWORD)
      expect((await failure(pb.collection("users").requestEmailChange(b.email))).data.data.newEmail.code).toBe("validation_invalid_new_email")
      expect((await failure(pb.collection("users").requestEmailChange(a.email))).data.data.newEmail.code).toBe("validation_not_in_invalid")
    })
  })

  describe("settings test email", () => {
    it("sends every template of a collection to the given address", async () => {
      const templates = ["verification", "password-reset", "email-change", "otp", "login-alert"]
      for (const template of templates) {
        const to = `test-${template}@example.com`
        expect(await server.admin.settings.testEmail("users", to, template)).toBe(true)
        const mail = await smtp.waitFor((m) => m.to.includes(to))
        expect(mail.subject).toContain(TEST_META.appName)
      }
      expect((await smtp.waitFor((m) => m.to.includes("test-otp@example.com"))).html).toContain("123456")
    })

    it("reports a failing SMTP server in the answer", async () => {
      await server.admin.settings.update({ smtp: smtp.settings({ port: 1 }) })
      try {
        const result = await failure(server.admin.settings.testEmail("users", "x@example.com", "verification"))
        expect(result.status).toBe(400)
        expect(result.data.message).toStartWith("Failed to send the test email.")
      } finally {
        await routeMailTo(server, smtp)
      }
    })
  })

  describe("mail-send hook", () => {
    it("lets server code rewrite or cancel the mail of a flow", async () => {
      const cancelled = await signUp()
      const rewritten = await signUp()
      const remove = server.app.services.mailer.onMailSend((message, context) => {
        if (context.kind !== "verification") return
        if (message.to[0]?.address === cancelled.email) return null
        return { ...message, subject: `[${context.collectionName}] ${message.subject}` }
      })
      try {
        await server.client().collection("users").requestVerification(cancelled.email)
        await server.client().collection("users").requestVerification(rewritten.email)
        expect((await mailTo(rewritten.email, "verify")).subject).toStartWith("[users] ")
        expect(smtp.messages.some((m) => m.to.includes(cancelled.email))).toBe(false)
      } finally {
        remove()
      }
    })
  })
})
