/**
 * @module
 * Builds the mail of each auth flow from the collection's template and hands it to the mailer:
 * the sender from the settings, the recipient, and the flow's placeholders beside the record's.
 */
import type { Collection, RecordData } from "../../core/types.ts"
import { recordPlaceholders, renderTemplate, type EmailTemplate, type MailKind, type MailMessage, type MailSettings } from "../../mail/index.ts"

/** The auth flows that send mail. */
export type RecordMailKind = Extract<MailKind, "verification" | "passwordReset" | "emailChange" | "otp" | "authAlert">

const DEFAULT_TEMPLATE: EmailTemplate = { subject: "", body: "" }

/** The collection's template for a kind of mail. */
export function templateFor(collection: Collection, kind: RecordMailKind): EmailTemplate {
  const nested = (option: string) => (collection[option] as { emailTemplate?: EmailTemplate } | undefined)?.emailTemplate
  const template = {
    verification: () => collection.verificationTemplate as EmailTemplate | undefined,
    passwordReset: () => collection.resetPasswordTemplate as EmailTemplate | undefined,
    emailChange: () => collection.confirmEmailChangeTemplate as EmailTemplate | undefined,
    otp: () => nested("otp"),
    authAlert: () => nested("authAlert"),
  }[kind]()
  return template ?? DEFAULT_TEMPLATE
}

/** The message of `kind` for `record`, to `to` (the record's email by default). */
export function composeRecordMail(
  settings: Readonly<MailSettings>,
  mail: { kind: RecordMailKind; collection: Collection; record: RecordData; placeholders: Record<string, string>; to?: string },
): MailMessage {
  const placeholders = { ...recordPlaceholders(mail.collection, mail.record), ...mail.placeholders }
  const { subject, html } = renderTemplate(templateFor(mail.collection, mail.kind), settings.meta, placeholders)
  return {
    from: { name: settings.meta.senderName, address: settings.meta.senderAddress },
    to: [{ address: mail.to ?? String(mail.record.email ?? "") }],
    subject,
    html,
  }
}
