/**
 * @module
 * Email verification: request (mails a verification token; 204 whatever the email) and confirm
 * (marks the record verified).
 */
import { badRequest, fieldError, type FieldError } from "../../core/errors.ts"
import type { Collection } from "../../core/types.ts"
import { decodeUnverified, signVerificationToken } from "../tokens.ts"
import { newTokenKey, randomString } from "../../core/random.ts"
import { hashPassword } from "../../core/passwords.ts"
import { PasswordValue } from "../../records/fields/index.ts"
import { SUPERUSERS } from "../../records/collection-defaults.ts"
import { findAuthRecordByEmail, saveAuthRecord, tokenOption, tokenSubject, type FlowDeps } from "./deps.ts"
import { emailError, readStrings, required, throwIfInvalid } from "./form.ts"
import { composeRecordMail } from "./record-mail.ts"
import type { ResendGuard } from "./resend-guard.ts"
import { checkFlowToken, isFieldError } from "./token-check.ts"

const superusersVerified = () => badRequest("All superusers are verified by default.")
const resendKey = (collection: Collection, id: unknown) => `verification:${collection.id}:${String(id)}`

/** POST /api/collections/:c/request-verification */
export function requestVerification(deps: FlowDeps, guard: ResendGuard, collection: Collection, body: Record<string, unknown>): void {
  if (collection.name === SUPERUSERS) throw superusersVerified()
  const { email } = readStrings(body, ["email"])
  throwIfInvalid({ email: emailError(email) })
  const record = findAuthRecordByEmail(deps.records, collection, email)
  // Unknown, already verified and recently mailed all answer the same 204.
  if (!record || record.verified === true) return
  const key = resendKey(collection, record.id)
  if (guard.blocked(key)) return
  const settings = deps.mailSettings()
  const option = tokenOption(collection, "verificationToken")
  const token = signVerificationToken(tokenSubject(collection, record), option)
  const message = composeRecordMail(settings, { kind: "verification", collection, record, placeholders: { "{TOKEN}": token } })
  guard.mark(key)
  deps.mailer.sendInBackground(message, { kind: "verification", record, collectionName: collection.name })
}

/** POST /api/collections/:c/confirm-verification */
export async function confirmVerification(deps: FlowDeps, guard: ResendGuard, collection: Collection, body: Record<string, unknown>): Promise<void> {
  if (collection.name === SUPERUSERS) throw superusersVerified()
  const { token } = readStrings(body, ["token"])
  let tokenError: FieldError | null = token === "" ? required() : null
  let found = null
  if (!tokenError) {
    const claimed = decodeUnverified(token)?.email
    if (typeof claimed !== "string" || claimed === "") tokenError = fieldError("validation_invalid_token_claims", "Missing email token claim.")
    else {
      const checked = checkFlowToken(deps, collection, token, "verification")
      if (isFieldError(checked)) tokenError = checked
      else if (String(checked.record.email) !== claimed) tokenError = fieldError("validation_token_email_mismatch", "The record email doesn't match with the requested token claims.")
      else found = checked
    }
  }
  throwIfInvalid({ token: tokenError })
  if (!found) throw badRequest("Invalid or expired verification token.")
  const { record } = found
  if (record.verified !== true) {
    const changes: Record<string, unknown> = { verified: true }
    // Without password auth a random password is set, so an account pre-registered by someone
    // else cannot later be taken over through a password they chose.
    if (!(collection.passwordAuth as { enabled?: boolean } | undefined)?.enabled) {
      changes.password = new PasswordValue("", await hashPassword(randomString(30)))
      changes.tokenKey = newTokenKey()
    }
    saveAuthRecord(deps.recordLifecycle, collection, record, changes)
  }
  guard.clear(resendKey(collection, record.id))
}
