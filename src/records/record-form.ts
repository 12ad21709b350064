/**
 * @module
 * Builds the record a create or update would store from a request body: hidden-field stripping,
 * modifiers, system values, auth form fields (password, passwordConfirm, oldPassword), and
 * validation with PocketBase's field errors. Database checks (uniqueness, relations) live elsewhere.
 */
import { fieldError, type ErrorData } from "../core/errors.ts"
import type { Collection, RecordData } from "../core/types.ts"
import { newTokenKey } from "../core/random.ts"
import { hashPassword, verifyPassword } from "../core/passwords.ts"
import { applyModifiers, prepareValue, PasswordValue, validateField, zeroValue } from "./fields/index.ts"

/** Who submits the form, as far as the form rules care. */
export interface FormActor {
  superuser: boolean
  /** Passes the collection's manageRule (superusers always do). */
  manager: boolean
}

/** The result of applying a body: the candidate record and the body as rules see it. */
export interface BuiltForm {
  record: RecordData
  /** `@request.body` for rules: modifier keys resolved, unknown keys kept. */
  requestBody: Record<string, unknown>
  /** The plain new password, when one was submitted (hashed before saving). */
  newPassword: string | null
}

const AUTH_FORM_KEYS = ["password", "passwordConfirm", "oldPassword"] as const

/** Applies `body` onto `stored` (null on create) and fills system-managed values. */
export function buildRecord(collection: Collection, stored: RecordData | null, body: Record<string, unknown>, actor: FormActor, now = new Date()): BuiltForm {
  const isNew = stored === null
  const input = { ...body }
  const isAuth = collection.type === "auth"
  if (!actor.superuser) {
    for (const field of collection.fields) {
      if (field.hidden && !(isAuth && field.name === "password")) stripKeys(input, field.name)
    }
  }
  let newPassword: string | null = null
  if (isAuth) {
    newPassword = typeof input.password === "string" && input.password !== "" ? input.password : null
    for (const key of AUTH_FORM_KEYS) delete input[key]
    delete input.expand
    delete input.tokenKey
  }
  const base: RecordData = stored ? { ...stored } : Object.fromEntries(collection.fields.map((f) => [f.name, zeroValue(f)]))
  const { record, body: requestBody } = applyModifiers(collection.fields, base, input)
  if (isAuth && "password" in body) requestBody.password = body.password
  for (const field of collection.fields) {
    if (field.type === "password" && isAuth && field.name === "password") continue
    if (field.name === "id" && !isNew) continue
    record[field.name] = prepareValue(field, record[field.name], { isNew, now })
  }
  if (isAuth) {
    if (newPassword !== null) record.password = new PasswordValue(newPassword, "")
    const emailChanged = stored !== null && stored.email !== record.email
    if (isNew || newPassword !== null || emailChanged) record.tokenKey = newTokenKey()
    if (collection.name === "_superusers") record.verified = true
  }
  return { record, requestBody, newPassword }
}

function stripKeys(body: Record<string, unknown>, name: string): void {
  for (const key of [name, `${name}+`, `+${name}`, `${name}-`, `${name}:autogenerate`]) delete body[key]
}

/**
 * Multipart bodies infer types, so a password like `12345678` arrives as a number; the auth form
 * fields are text, as PocketBase reads them.
 */
export function authFormText(collection: Collection, body: Record<string, unknown>): Record<string, unknown> {
  if (collection.type !== "auth") return body
  const out = { ...body }
  for (const key of AUTH_FORM_KEYS) {
    const value = out[key]
    if (typeof value === "number" || typeof value === "boolean") out[key] = String(value)
  }
  return out
}

/** The bcrypt work a body needs, done before the synchronous check-and-write. */
export interface PasswordWork {
  /** The submitted `oldPassword` matched `checkedHash`. */
  oldPasswordMatches: boolean
  /** The stored hash `oldPassword` was checked against (it may change before the write). */
  checkedHash: string
  /** The hash of the submitted new password, when one was submitted. */
  newHash: string | null
}

const storedHash = (record: RecordData | null): string =>
  record?.password instanceof PasswordValue ? record.password.hash : ""

/**
 * Runs the slow part of an auth form (bcrypt) ahead of the checks, so that the checks and the
 * write that follow can run without yielding. Throws `PasswordTooLongError` for passwords past
 * bcrypt's 72 bytes.
 */
export async function passwordWork(collection: Collection, stored: RecordData | null, body: Record<string, unknown>): Promise<PasswordWork> {
  const work: PasswordWork = { oldPasswordMatches: false, checkedHash: storedHash(stored), newHash: null }
  if (collection.type !== "auth") return work
  if (typeof body.password === "string" && body.password !== "") {
    const cost = Number(collection.fields.find((f) => f.name === "password")?.cost) || undefined
    work.newHash = await hashPassword(body.password, cost)
  }
  if (stored && typeof body.oldPassword === "string" && body.oldPassword !== "") {
    work.oldPasswordMatches = await verifyPassword(body.oldPassword, work.checkedHash)
  }
  return work
}

/**
 * Auth-collection form checks, reported alone before field validation. `body` is the raw
 * submitted body (password fields are not record fields).
 */
export function checkAuthForm(collection: Collection, stored: RecordData | null, built: BuiltForm, body: Record<string, unknown>, actor: FormActor, work: PasswordWork): ErrorData | null {
  if (collection.type !== "auth") return null
  const errors: ErrorData = {}
  const isNew = stored === null
  const sent = (key: string) => key in body && body[key] !== undefined && body[key] !== null && body[key] !== ""
  const changing = isNew || sent("password") || sent("passwordConfirm") || sent("oldPassword")
  if (changing) {
    if (!sent("password")) errors.password = fieldError("validation_required", "Cannot be blank.")
    if (!sent("passwordConfirm")) errors.passwordConfirm = fieldError("validation_required", "Cannot be blank.")
    else if (body.passwordConfirm !== body.password) errors.passwordConfirm = fieldError("validation_values_mismatch", "Values don't match.")
    if (!isNew && !actor.manager) {
      // A password changed since the check invalidates it.
      const matches = work.oldPasswordMatches && work.checkedHash === storedHash(stored)
      if (!sent("oldPassword")) errors.oldPassword = fieldError("validation_required", "Cannot be blank.")
      else if (!matches) errors.oldPassword = fieldError("validation_invalid_old_password", "Missing or invalid old password.")
    }
  }
  if (!actor.manager && collection.name !== "_superusers") {
    const storedVerified = stored ? stored.verified === true : false
    if (built.record.verified !== storedVerified) errors.verified = fieldError("validation_values_mismatch", "Values don't match.")
    if (!isNew && built.record.email !== stored!.email) errors.email = fieldError("validation_values_mismatch", "Values don't match.")
  }
  return Object.keys(errors).length > 0 ? errors : null
}

/** Validates every field of the candidate record; null when all pass. */
export function validateRecord(collection: Collection, stored: RecordData | null, record: RecordData): ErrorData | null {
  const errors: ErrorData = {}
  for (const field of collection.fields) {
    const error = validateField(field, record[field.name], { isNew: stored === null, original: stored?.[field.name] })
    if (error) errors[field.name] = error
  }
  return Object.keys(errors).length > 0 ? errors : null
}
