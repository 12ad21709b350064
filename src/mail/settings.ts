/**
 * @module
 * The mail-related settings, in PocketBase's `settings.smtp` / `settings.meta` shape, and their
 * defaults. The mailer reads them through a function on every send, so a change applies to the
 * next message without rebuilding anything.
 */

/** `settings.smtp`: where and how messages leave. */
export interface SmtpSettings {
  enabled: boolean
  host: string
  port: number
  username: string
  password: string
  /** `PLAIN` or `LOGIN`; PLAIN when empty. */
  authMethod: string
  /** Implicit TLS from the first byte (port 465 style); otherwise STARTTLS when the server offers it. */
  tls: boolean
  /** The name sent in EHLO/HELO; the machine's host name when empty. */
  localName: string
}

/** The `settings.meta` values mail needs: the app's name and URL, and the sender. */
export interface MailMeta {
  appName: string
  appURL: string
  senderName: string
  senderAddress: string
}

/** Everything the mailer reads from the settings. */
export interface MailSettings {
  smtp: SmtpSettings
  meta: MailMeta
}

/** PocketBase's defaults for a fresh data directory. */
export const DEFAULT_MAIL_SETTINGS: Readonly<MailSettings> = Object.freeze({
  smtp: { enabled: false, host: "smtp.example.com", port: 587, username: "", password: "", authMethod: "", tls: false, localName: "" },
  meta: { appName: "Acme", appURL: "http://localhost:8090", senderName: "Support", senderAddress: "support@example.com" },
})

/** Reads the current mail settings (called once per message). */
export type MailSettingsSource = () => Readonly<MailSettings>
