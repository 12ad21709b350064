/**
 * @module
 * Email change: request (the signed-in record asks; the confirmation goes to the NEW address)
 * and confirm (token plus current password; the email changes, the record counts as verified,
 * and the token key rotates, ending earlier sessions and tokens).
 */
import { ApiError, badRequest, fieldError, type FieldError } from "../../core/errors.ts"
import type { AuthContext, Collection } from "../../core/types.ts"
import { decodeUnverified, signEmailChangeToken } from "../tokens.ts"
import { newTokenKey } from "../../core/random.ts"
import { verifyPassword } from "../../core/passwords.ts"
import { PasswordValue } from "../../records/fields/index.ts"
import { SUPERUSERS } from "../../records/collection-defaults.ts"
import { findAuthRecordByEmail, saveAuthRecord, tokenOption, tokenSubject, type FlowDeps } from "./deps.ts"
import { emailError, lengthOutOfRange, readStrings, required, throwIfInvalid } from "./form.ts"
import { composeRecordMail } from "./record-mail.ts"
import { checkFlowToken, isFieldError } from "./token-check.ts"

const superusersChangeDirectly = () => badRequest("All superusers can change their emails directly.")

/** POST /api/collections/:c/request-email-change (the route has already required this collection's auth). */
export async function requestEmailChange(deps: FlowDeps, collection: Collection, auth: AuthContext, body: Record<string, unknown>): Promise<void> {
  if (collection.name === SUPERUSERS) throw superusersChangeDirectly()
  const { newEmail } = readStrings(body, ["newEmail"])
  let error = emailError(newEmail)
  if (!error && newEmail === auth.record.email) error = fieldError("validation_not_in_invalid", "Must not be in list.")
  if (!error) {
    const taken = findAuthRecordByEmail(deps.records, collection, newEmail)
    if (taken && taken.id !== auth.record.id) error = fieldError("validation_invalid_new_email", "Invalid new email address.")
  }
  throwIfInvalid({ newEmail: error })
  const { record } = auth
  const token = signEmailChangeToken({ ...tokenSubject(collection, record), newEmail }, tokenOption(collection, "emailChangeToken"))
  const message = composeRecordMail(deps.mailSettings(), { kind: "emailChange", collection, record, placeholders: { "{TOKEN}": token }, to: newEmail })
  // PocketBase sends this one before answering, and reports a failure.
  try {
    await deps.mailer.send(message, { kind: "emailChange", record, collectionName: collection.name })
  } catch (cause) {
    throw new ApiError(400, "Failed to request email change.", {}, { cause })
  }
}

/** POST /api/collections/:c/confirm-email-change */
export async function confirmEmailChange(deps: FlowDeps, collection: Collection, body: Record<string, unknown>): Promise<void> {
  if (collection.name === SUPERUSERS) throw superusersChangeDirectly()
  const form = readStrings(body, ["token", "password"])
  const parsed = form.token === "" ? null : parseToken(deps, collection, form.token)
  const tokenError: FieldError | null = form.token === "" ? required() : parsed && "code" in parsed ? parsed : null
  let passwordError: FieldError | null = form.password === "" ? required() : form.password.length > 100 ? lengthOutOfRange(1, 100) : null
  if (!passwordError) {
    const hash = parsed && !("code" in parsed) ? storedHash(parsed.auth.record.password) : ""
    if (hash === "" || !(await verifyPassword(form.password, hash))) {
      passwordError = fieldError("validation_invalid_password", "Missing or invalid auth record password.")
    }
  }
  throwIfInvalid({ token: tokenError, password: passwordError })
  if (!parsed || "code" in parsed) throw badRequest("Invalid or expired token.")
  // Read again after the password check: the token must still match the stored key.
  const record = deps.records.findById(collection, String(parsed.auth.record.id))
  if (!record || record.tokenKey !== parsed.auth.record.tokenKey) throw badRequest("Invalid or expired token.")
  try {
    saveAuthRecord(deps.recordLifecycle, collection, record, { email: parsed.newEmail, verified: true, tokenKey: newTokenKey() })
  } catch (cause) {
    throw new ApiError(400, "Failed to confirm email change.", {}, { cause })
  }
}

function parseToken(deps: FlowDeps, collection: Collection, token: string): { auth: AuthContext; newEmail: string } | FieldError {
  const newEmail = decodeUnverified(token)?.newEmail
  if (typeof newEmail !== "string" || newEmail === "") {
    return fieldError("validation_invalid_token_payload", "Invalid token payload - newEmail must be set.")
  }
  const checked = checkFlowToken(deps, collection, token, "emailChange")
  if (isFieldError(checked)) return checked
  if (findAuthRecordByEmail(deps.records, collection, newEmail)) return fieldError("validation_invalid_token_email", "The new email address is invalid.")
  return { auth: checked, newEmail }
}

function storedHash(value: unknown): string {
  return value instanceof PasswordValue ? value.hash : typeof value === "string" ? value : ""
}
