/**
 * @module
 * The mailer: send hooks, then SMTP through nodemailer when `settings.smtp.enabled`. With SMTP
 * off, messages go where PocketBase sends them, the machine's `sendmail` command, unless the
 * development option `mailLog` is on: then each message is written to the log instead (so the
 * links in it can be clicked) and nothing leaves the machine.
 */
import { createTransport, type Transporter } from "nodemailer"
import type { MailContext, MailMessage, MailSendHook } from "./message.ts"
import type { MailSettingsSource, SmtpSettings } from "./settings.ts"
import { htmlToText } from "./html-text.ts"

/** Where the mailer writes its log lines. @default console */
export interface MailLog {
  info(line: string): void
  error(line: string, error?: unknown): void
}

export interface MailerOptions {
  settings: MailSettingsSource
  /** With SMTP off, log messages instead of handing them to `sendmail`. @default false */
  logWhenSmtpOff?: boolean
  log?: MailLog
}

/** How long an SMTP conversation may stall before the send fails (milliseconds). */
const SMTP_TIMEOUT_MS = 15_000

/** Result of a send: delivered, cancelled by a hook, or written to the log. */
export type SendOutcome = "sent" | "cancelled" | "logged"

/** What a background send reports back. */
export interface SendCallbacks {
  sent?(outcome: SendOutcome, message: MailMessage): void
  failed?(): void
}

/** Sends mail with the current settings; one per app. */
export class Mailer {
  readonly #options: MailerOptions
  readonly #log: MailLog
  readonly #hooks: MailSendHook[] = []
  #smtp: { key: string; transport: Transporter } | null = null

  constructor(options: MailerOptions) {
    this.#options = options
    this.#log = options.log ?? { info: (line) => console.log(line), error: (line, error) => console.error(line, error ?? "") }
  }

  /** Adds a send hook (see {@link MailSendHook}); returns its remover. */
  onMailSend(hook: MailSendHook): () => void {
    this.#hooks.push(hook)
    return () => {
      const index = this.#hooks.indexOf(hook)
      if (index !== -1) this.#hooks.splice(index, 1)
    }
  }

  /** Runs the hooks and sends; rejects when the transport fails. */
  async send(message: MailMessage, context: MailContext = { kind: "custom" }): Promise<SendOutcome> {
    return (await this.#deliver(message, context)).outcome
  }

  /**
   * Sends without making the caller wait. `sent` hears the outcome and the message as the hooks
   * left it; a failure is logged (never lost silently), then `failed` runs (e.g. to remove an OTP
   * that never arrived).
   */
  sendInBackground(message: MailMessage, context: MailContext, callbacks: SendCallbacks = {}): void {
    this.#deliver(message, context).then(
      ({ outcome, message: final }) => callbacks.sent?.(outcome, final),
      (error: unknown) => {
        this.#log.error(`mail: failed to send the ${context.kind} message to ${message.to.map((t) => t.address).join(", ")}:`, error)
        callbacks.failed?.()
      },
    ).catch((error: unknown) => this.#log.error(`mail: a ${context.kind} send callback failed:`, error))
  }

  async #deliver(message: MailMessage, context: MailContext): Promise<{ outcome: SendOutcome; message: MailMessage }> {
    let current: MailMessage = message
    for (const hook of [...this.#hooks]) {
      const changed = await hook(current, context)
      if (changed === null) return { outcome: "cancelled", message: current }
      if (changed) current = changed
    }
    const settings = this.#options.settings()
    if (!settings.smtp.enabled && this.#options.logWhenSmtpOff) {
      this.#log.info(formatForLog(current))
      return { outcome: "logged", message: current }
    }
    const transport = settings.smtp.enabled ? this.#smtpTransport(settings.smtp) : sendmailTransport()
    await transport.sendMail({
      from: current.from,
      to: current.to,
      subject: current.subject,
      html: current.html,
      text: current.text ?? htmlToText(current.html),
      headers: current.headers,
    })
    return { outcome: "sent", message: current }
  }

  /** Closes pooled SMTP connections. */
  close(): void {
    this.#smtp?.transport.close()
    this.#smtp = null
  }

  // One transport per distinct SMTP configuration; a settings change builds a new one.
  #smtpTransport(smtp: SmtpSettings): Transporter {
    const key = JSON.stringify(smtp)
    if (this.#smtp?.key === key) return this.#smtp.transport
    this.#smtp?.transport.close()
    const auth = smtp.username === "" ? undefined : { user: smtp.username, pass: smtp.password }
    const transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.tls,
      auth,
      authMethod: smtp.authMethod === "LOGIN" ? "LOGIN" : "PLAIN",
      name: smtp.localName || undefined,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    })
    this.#smtp = { key, transport }
    return transport
  }
}

let sendmail: Transporter | null = null

// PocketBase's fallback with SMTP off: the local `sendmail` command.
function sendmailTransport(): Transporter {
  const path = Bun.which("sendmail") ?? Bun.which("sendmail", { PATH: "/usr/sbin:/usr/lib" })
  // PocketBase's wording: the settings test-email answer carries it. (Development: --mailLog.)
  if (!path) throw new Error("failed to locate a sendmail executable path")
  sendmail ??= createTransport({ sendmail: true, path, newline: "unix" })
  return sendmail
}

function formatForLog(message: MailMessage): string {
  const to = message.to.map((t) => t.address).join(", ")
  return `mail (SMTP is off, not sent)\nFrom: ${message.from.name ?? ""} <${message.from.address}>\nTo: ${to}\nSubject: ${message.subject}\n\n${message.text ?? htmlToText(message.html)}\n`
}
