/**
 * @module
 * The part of the settings the mailer reads (`settings.smtp`, and the app name, URL and sender
 * from `settings.meta`), through a function called on every send, so a settings change applies
 * to the next message without rebuilding anything.
 */
import type { MetaSettings, SmtpSettings } from "../settings/index.ts"

export type { SmtpSettings } from "../settings/index.ts"

/** The `settings.meta` values mail needs. */
export type MailMeta = Pick<MetaSettings, "appName" | "appURL" | "senderName" | "senderAddress">

/** Everything the mailer reads from the settings. */
export interface MailSettings {
  smtp: SmtpSettings
  meta: MailMeta
}

/** Reads the current mail settings (called once per message). */
export type MailSettingsSource = () => Readonly<MailSettings>
