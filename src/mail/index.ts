/**
 * @module
 * Mail: the mailer (SMTP via nodemailer, `sendmail` or the log when SMTP is off), its send hook,
 * the settings it reads, and template rendering with PocketBase's placeholders.
 */
export { Mailer, type MailLog, type MailerOptions, type SendCallbacks, type SendOutcome } from "./mailer.ts"
export type { MailAddress, MailContext, MailKind, MailMessage, MailSendHook } from "./message.ts"
export type { MailMeta, MailSettings, MailSettingsSource, SmtpSettings } from "./settings.ts"
export { escapeMailText, recordPlaceholders, renderTemplate, type EmailTemplate } from "./templates.ts"
export { htmlToText } from "./html-text.ts"
