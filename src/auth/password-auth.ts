/**
 * @module
 * Password authentication against an auth collection: identity lookup over the collection's
 * identity fields, bcrypt check, throttling of failures, and token issue.
 */
import { ApiError, badRequest, fieldError, tooManyRequests, type ErrorData } from "../core/errors.ts"
import type { Collection, RecordData } from "../core/types.ts"
import { dummyVerify, verifyPassword } from "../core/passwords.ts"
import { PasswordValue } from "../records/fields/index.ts"
import { signAuthToken } from "./tokens.ts"
import type { LoginThrottle } from "./throttle.ts"
import { findByIdentity, type IdentitySource } from "./identity-lookup.ts"

export interface PasswordAuthInput {
  identity: unknown
  password: unknown
  identityField?: unknown
  ip: string
}

/**
 * Issues a fresh auth token for a record of an auth collection. `duration` (seconds) overrides the
 * collection's `authToken.duration` when positive (impersonation).
 */
export function issueAuthToken(collection: Collection, record: RecordData, refreshable = true, duration = 0): string {
  const options = collection.authToken as { secret: string; duration: number }
  return signAuthToken(
    { id: String(record.id), collectionId: collection.id, tokenKey: String(record.tokenKey) },
    { secret: options.secret, duration: duration > 0 ? duration : options.duration, refreshable },
  )
}

/** Authenticates `identity`/`password`; returns the matched record, or throws PocketBase's errors. */
export async function authenticateWithPassword(
  collection: Collection,
  input: PasswordAuthInput,
  lookup: IdentitySource,
  throttle: LoginThrottle,
): Promise<RecordData> {
  const passwordAuth = collection.passwordAuth as { enabled: boolean; identityFields: string[] }
  if (!passwordAuth.enabled) throw new ApiError(403, "The collection is not configured to allow password authentication.")
  // Go binds these into string fields: null leaves them empty, any other non-string fails to load.
  for (const key of ["identity", "password", "identityField"] as const) {
    const value = input[key]
    if (value !== undefined && value !== null && typeof value !== "string") throw badRequest("An error occurred while loading the submitted data.")
  }
  const errors = validateInput(input, passwordAuth.identityFields)
  if (errors) throw badRequest("An error occurred while validating the submitted data.", errors)
  const identity = input.identity as string
  const password = input.password as string

  const attempt = { identity: `${collection.id}:${identity}`, ip: input.ip }
  if (!throttle.attempt(attempt).allowed) throw tooManyRequests()

  const identityField = typeof input.identityField === "string" ? input.identityField : ""
  const record = findByIdentity(lookup, collection, passwordAuth.identityFields, identity, identityField)
  // Equal work whether or not the identity exists, so timing does not reveal accounts.
  const ok = record ? await verifyPassword(password, storedHash(record.password)) : (await dummyVerify(password), false)
  if (!record || !ok) throw badRequest("Failed to authenticate.")
  throttle.recordSuccess(attempt)
  return record
}

// Stored password fields decode to a PasswordValue; plain strings come from older call sites.
function storedHash(value: unknown): string {
  return value instanceof PasswordValue ? value.hash : typeof value === "string" ? value : ""
}

function validateInput(input: PasswordAuthInput, identityFields: string[]): ErrorData | null {
  const errors: ErrorData = {}
  for (const key of ["identity", "password"] as const) {
    const value = input[key]
    if (typeof value !== "string" || value === "") errors[key] = fieldError("validation_required", "Cannot be blank.")
    else if (value.length > 255) errors[key] = fieldError("validation_length_out_of_range", "The length must be between 1 and 255.", { max: 255, min: 1 })
  }
  const field = input.identityField
  if (field !== undefined && field !== "" && (typeof field !== "string" || !identityFields.includes(field))) {
    errors.identityField = fieldError("validation_in_invalid", "Must be a valid value.")
  }
  return Object.keys(errors).length > 0 ? errors : null
}
