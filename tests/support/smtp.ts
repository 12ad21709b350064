/**
 * @module
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every message it
 * receives, parsed, with the session facts tests check (EHLO name, login, TLS).
 */
import { SMTPServer, type SMTPServerOptions } from "smtp-server"
import { simpleParser, type ParsedMail } from "mailparser"
import type { SmtpSettings } from "../../src/mail/index.ts"

/** One received message and how it arrived. */
export interface ReceivedMail {
  parsed: ParsedMail
  /** Envelope recipients. */
  to: string[]
  subject: string
  html: string
  text: string
  /** The name the client sent in EHLO/HELO. */
  heloName: string
  /** The user that logged in, if any. */
  user: string | null
  secure: boolean
}

export interface TestSmtpServer {
  port: number
  messages: ReceivedMail[]
  /** SMTP settings pointing at this server. */
  settings(overrides?: Partial<SmtpSettings>): SmtpSettings
  /** Waits (with a deadline) for a message matching `predicate`. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>
  stop(): Promise<void>
}

export interface SmtpServerOptions {
  /** Accepted username/password; login is optional when unset. */
  credentials?: { user: string; pass: string }
  /** Extra `smtp-server` options (e.g. `secure`). */
  server?: SMTPServerOptions
}

/** Starts the server on a free loopback port. */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = []
  const credentials = options.credentials
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    authOptional: !credentials,
    allowInsecureAuth: true,
    logger: false,
    ...options.server,
    onAuth(auth, _session, callback) {
      if (credentials && auth.username === credentials.user && auth.password === credentials.pass) return callback(null, { user: auth.username })
      callback(new Error("Invalid username or password"))
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        messages.push({
          parsed,
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: parsed.subject ?? "",
          html: typeof parsed.html === "string" ? parsed.html : "",
          text: parsed.text ?? "",
          heloName: session.hostNameAppearsAs,
          user: typeof session.user === "string" ? session.user : null,
          secure: session.secure,
        })
        callback()
      }, callback)
    },
  })
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as { port: number }).port))
  })
  return {
    port,
    messages,
    settings: (overrides = {}) => ({
      enabled: true, host: "127.0.0.1", port, username: credentials?.user ?? "", password: credentials?.pass ?? "",
      authMethod: "", tls: false, localName: "", ...overrides,
    }),
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        const found = messages.find(predicate)
        if (found) return found
        await Bun.sleep(20)
      }
      throw new Error(`no matching mail within ${timeoutMs} ms (received: ${messages.map((m) => m.subject).join(" | ") || "none"})`)
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
