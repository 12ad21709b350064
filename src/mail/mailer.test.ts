import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { startSmtpServer, type TestSmtpServer } from "../../tests/support/smtp.ts"
import { defaultSettings } from "../settings/index.ts"
import { Mailer, type MailSettings, type MailMessage } from "./index.ts"

const DEFAULTS: MailSettings = { smtp: defaultSettings().smtp, meta: defaultSettings().meta }

const message = (to: string, subject = "hello"): MailMessage => ({
  from: { name: "Support", address: "support@example.com" },
  to: [{ address: to }],
  subject,
  html: '<p>Open <a href="http://localhost/x?token=abc">this link</a> &amp; go</p>',
})

function mailerFor(smtp: MailSettings["smtp"], lines: string[] = []) {
  const settings: MailSettings = { ...DEFAULTS, smtp }
  return new Mailer({ settings: () => settings, log: { info: (l) => lines.push(l), error: (l) => lines.push(l) } })
}

describe("mailer over SMTP", () => {
  let plain: TestSmtpServer
  let authed: TestSmtpServer
  beforeAll(async () => {
    plain = await startSmtpServer()
    authed = await startSmtpServer({ credentials: { user: "mailer", pass: "s3cret" }, server: { authMethods: ["PLAIN", "LOGIN"] } })
  })
  afterAll(async () => {
    await plain.stop()
    await authed.stop()
  })

  it("delivers html with a plain-text alternative that keeps the link", async () => {
    const mailer = mailerFor(plain.settings())
    expect(await mailer.send(message("a@example.com"))).toBe("sent")
    const mail = await plain.waitFor((m) => m.to.includes("a@example.com"))
    expect(mail.html).toContain('href="http://localhost/x?token=abc"')
    expect(mail.text).toContain("this link (http://localhost/x?token=abc) & go")
    expect(mail.parsed.from?.value[0]).toEqual({ address: "support@example.com", name: "Support" })
    mailer.close()
  })

  it("sends the configured local name in EHLO", async () => {
    const mailer = mailerFor(plain.settings({ localName: "mail.pocketbun.test" }))
    await mailer.send(message("helo@example.com"))
    expect((await plain.waitFor((m) => m.to.includes("helo@example.com"))).heloName).toBe("mail.pocketbun.test")
    mailer.close()
  })

  for (const authMethod of ["PLAIN", "LOGIN"]) {
    it(`logs in with ${authMethod}`, async () => {
      const mailer = mailerFor(authed.settings({ authMethod }))
      await mailer.send(message(`${authMethod.toLowerCase()}@example.com`))
      expect((await authed.waitFor((m) => m.to.includes(`${authMethod.toLowerCase()}@example.com`))).user).toBe("mailer")
      mailer.close()
    })
  }

  it("fails the send on wrong credentials", async () => {
    const mailer = mailerFor(authed.settings({ password: "wrong" }))
    await expect(mailer.send(message("nope@example.com"))).rejects.toThrow()
    mailer.close()
  })

  it("refuses an implicit-TLS server whose certificate is not trusted", async () => {
    const tls = await startSmtpServer({ server: { secure: true } })
    const mailer = mailerFor(tls.settings({ tls: true }))
    await expect(mailer.send(message("tls@example.com"))).rejects.toThrow()
    expect(tls.messages).toHaveLength(0)
    mailer.close()
    await tls.stop()
  })

  it("upgrades with STARTTLS when offered, and checks the certificate it gets", async () => {
    const starttls = await startSmtpServer({ server: { disabledCommands: [] } })
    const mailer = mailerFor(starttls.settings())
    const error = await mailer.send(message("starttls@example.com")).then(() => null, (e: unknown) => e as Error)
    expect(String(error?.message)).toMatch(/certificate/i)
    expect(starttls.messages).toHaveLength(0)
    mailer.close()
    await starttls.stop()
  })

  it("lets a send hook rewrite or cancel a message", async () => {
    const mailer = mailerFor(plain.settings())
    const remove = mailer.onMailSend((m, context) => {
      expect(context.kind).toBe("custom")
      if (m.subject === "cancel me") return null
      return { ...m, subject: `[hooked] ${m.subject}` }
    })
    expect(await mailer.send(message("cancel@example.com", "cancel me"))).toBe("cancelled")
    await mailer.send(message("hooked@example.com", "changed"))
    expect((await plain.waitFor((m) => m.to.includes("hooked@example.com"))).subject).toBe("[hooked] changed")
    expect(plain.messages.some((m) => m.to.includes("cancel@example.com"))).toBe(false)
    remove()
    await mailer.send(message("unhooked@example.com", "plain"))
    expect((await plain.waitFor((m) => m.to.includes("unhooked@example.com"))).subject).toBe("plain")
    mailer.close()
  })

  it("logs a failed background send instead of losing it", async () => {
    const lines: string[] = []
    const mailer = mailerFor(plain.settings({ port: 1 }), lines)
    let failed = false
    mailer.sendInBackground(message("lost@example.com"), { kind: "verification" }, { failed: () => (failed = true) })
    const deadline = Date.now() + 5_000
    while (!failed && Date.now() < deadline) await Bun.sleep(20)
    expect(failed).toBe(true)
    expect(lines.join("\n")).toContain("failed to send the verification message to lost@example.com")
  })
})

describe("mailer with SMTP off", () => {
  it("writes the message to the log in development mode", async () => {
    const lines: string[] = []
    const mailer = new Mailer({ settings: () => DEFAULTS, logWhenSmtpOff: true, log: { info: (l) => lines.push(l), error: (l) => lines.push(l) } })
    expect(await mailer.send(message("dev@example.com", "Verify"))).toBe("logged")
    expect(lines[0]).toContain("To: dev@example.com")
    expect(lines[0]).toContain("this link (http://localhost/x?token=abc)")
  })
})
