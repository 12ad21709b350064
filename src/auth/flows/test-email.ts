/**
 * @module
 * `POST /api/settings/test/email`: sends one auth template of a collection to the given address,
 * rendered for a stand-in record (its visible fields filled with sample text), through the same
 * composition and mailer as real mail. Failures reject, so the settings API can report them.
 */
import { nowDateTime } from "../../core/clock.ts"
import { newTokenKey } from "../../core/random.ts"
import type { RecordData } from "../../core/types.ts"
import type { CollectionRegistry } from "../../records/collections.ts"
import { signEmailChangeToken, signPasswordResetToken, signVerificationToken } from "../tokens.ts"
import { tokenOption, tokenSubject, type FlowDeps } from "./deps.ts"
import { composeRecordMail, type RecordMailKind } from "./record-mail.ts"

/** The test templates the settings API accepts, and the mail kind each one is. */
const TEMPLATE_KINDS: Record<string, RecordMailKind> = {
  verification: "verification",
  "password-reset": "passwordReset",
  "email-change": "emailChange",
  otp: "otp",
  "login-alert": "authAlert",
}

/** Sends the test email; rejects with the reason when the template is unknown or the send fails. */
export async function sendTestEmail(deps: Pick<FlowDeps, "mailer" | "mailSettings">, collections: CollectionRegistry, request: { email: string; template: string; collection: string }): Promise<void> {
  const collection = collections.find(request.collection)
  const kind = TEMPLATE_KINDS[request.template]
  if (!collection || collection.type !== "auth") throw new Error(`missing auth collection ${request.collection}`)
  if (!kind) throw new Error(`unknown template ${request.template}`)
  const record: RecordData = {}
  for (const field of collection.fields) if (!field.hidden) record[field.name] = `(sample ${field.name})`
  Object.assign(record, { tokenKey: newTokenKey(), email: request.email })
  const subject = tokenSubject(collection, record)
  const placeholders: Record<string, string> = {
    verification: () => ({ "{TOKEN}": signVerificationToken(subject, tokenOption(collection, "verificationToken")) }),
    passwordReset: () => ({ "{TOKEN}": signPasswordResetToken(subject, tokenOption(collection, "passwordResetToken")) }),
    emailChange: () => ({ "{TOKEN}": signEmailChangeToken({ ...subject, newEmail: request.email }, tokenOption(collection, "emailChangeToken")) }),
    otp: () => ({ "{OTP}": "123456", "{OTP_ID}": "(sample otp id)" }),
    authAlert: () => ({ "{ALERT_INFO}": `${nowDateTime()} - (sample IP) (sample user agent)` }),
  }[kind]()
  const message = composeRecordMail(deps.mailSettings(), { kind, collection, record, placeholders })
  await deps.mailer.send(message, { kind: "test", record, collectionName: collection.name })
}
