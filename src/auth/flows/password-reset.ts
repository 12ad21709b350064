/**
 * @module
 * Password reset: request (mails a reset token; 204 whatever the email) and confirm (sets the
 * new password, which rotates the token key and so ends every earlier session and token).
 */
import { badRequest, fieldError, type FieldError } from "../../core/errors.ts"
import type { Collection } from "../../core/types.ts"
import { decodeUnverified, signPasswordResetToken } from "../tokens.ts"
import { newTokenKey } from "../../core/random.ts"
import { BCRYPT_MAX_BYTES, hashPassword } from "../../core/passwords.ts"
import { PasswordValue } from "../../records/fields/index.ts"
import { findAuthRecordByEmail, saveAuthRecord, tokenOption, tokenSubject, type FlowDeps } from "./deps.ts"
import { emailError, lengthOutOfRange, readStrings, required, throwIfInvalid } from "./form.ts"
import { composeRecordMail } from "./record-mail.ts"
import type { ResendGuard } from "./resend-guard.ts"
import { checkFlowToken, isFieldError } from "./token-check.ts"

const resendKey = (collection: Collection, id: unknown) => `passwordReset:${collection.id}:${String(id)}`

const passwordAuthEnabled = (collection: Collection) => (collection.passwordAuth as { enabled?: boolean } | undefined)?.enabled === true

/** POST /api/collections/:c/request-password-reset */
export function requestPasswordReset(deps: FlowDeps, guard: ResendGuard, collection: Collection, body: Record<string, unknown>): void {
  if (!passwordAuthEnabled(collection)) throw badRequest("The collection is not configured to allow password authentication.")
  const { email } = readStrings(body, ["email"])
  throwIfInvalid({ email: emailError(email) })
  const record = findAuthRecordByEmail(deps.records, collection, email)
  if (!record) return
  const key = resendKey(collection, record.id)
  if (guard.blocked(key)) return
  const token = signPasswordResetToken(tokenSubject(collection, record), tokenOption(collection, "passwordResetToken"))
  const message = composeRecordMail(deps.mailSettings(), { kind: "passwordReset", collection, record, placeholders: { "{TOKEN}": token } })
  guard.mark(key)
  // A failed send frees the guard, as PocketBase only blocks after a mail went out.
  deps.mailer.sendInBackground(message, { kind: "passwordReset", record, collectionName: collection.name }, { failed: () => guard.clear(key) })
}

/** POST /api/collections/:c/confirm-password-reset */
export async function confirmPasswordReset(deps: FlowDeps, guard: ResendGuard, collection: Collection, body: Record<string, unknown>): Promise<void> {
  const form = readStrings(body, ["token", "password", "passwordConfirm"])
  const passwordField = collection.fields.find((f) => f.name === "password")
  const min = typeof passwordField?.min === "number" && passwordField.min > 0 ? passwordField.min : 1
  const checked = form.token === "" ? null : checkFlowToken(deps, collection, form.token, "passwordReset")
  const tokenError: FieldError | null = form.token === "" ? required() : checked && isFieldError(checked) ? checked : null
  const passwordError = form.password === "" ? required() : form.password.length < min || form.password.length > 255 ? lengthOutOfRange(min, 255) : null
  const confirmError = form.passwordConfirm === "" ? required() : form.passwordConfirm !== form.password ? fieldError("validation_values_mismatch", "Values don't match.") : null
  throwIfInvalid({ token: tokenError, password: passwordError, passwordConfirm: confirmError })
  if (!checked || isFieldError(checked)) throw badRequest("Invalid or expired password reset token.")
  if (new TextEncoder().encode(form.password).byteLength > BCRYPT_MAX_BYTES) {
    throw badRequest("Failed to set new password.", { password: fieldError("validation_length_too_long", "The password is longer than bcrypt's 72 bytes.") })
  }
  const hash = await hashPassword(form.password)
  // The record is read again after hashing: a change made meanwhile is kept, not overwritten.
  const record = deps.records.findById(collection, String(checked.record.id))
  if (!record || record.tokenKey !== checked.record.tokenKey) throw badRequest("Invalid or expired password reset token.")
  const changes: Record<string, unknown> = { password: new PasswordValue("", hash), tokenKey: newTokenKey() }
  // Proving access to the mailbox verifies it, unless the email changed since the token was issued.
  if (record.verified !== true && decodeUnverified(form.token)?.email === record.email) changes.verified = true
  saveAuthRecord(deps.recordLifecycle, collection, record, changes)
  guard.clear(resendKey(collection, record.id))
}
