/**
 * @module
 * Request-form checks the auth flows share, worded as PocketBase's validators word them.
 */
import { badRequest, fieldError, type ErrorData, type FieldError } from "../../core/errors.ts"
import { isEmailFormat } from "../identity-lookup.ts"

/** The loading error every flow answers when a field is not a string. */
export const loadingFailed = () => badRequest("An error occurred while loading the submitted data.")

/**
 * Reads string fields the way Go binds them: missing or null is `""`, any other non-string
 * fails to load (400).
 */
export function readStrings<K extends string>(body: Record<string, unknown>, names: readonly K[]): Record<K, string> {
  const out = {} as Record<K, string>
  for (const name of names) {
    const value = body[name]
    if (value !== undefined && value !== null && typeof value !== "string") throw loadingFailed()
    out[name] = typeof value === "string" ? value : ""
  }
  return out
}

export const required = (): FieldError => fieldError("validation_required", "Cannot be blank.")
export const lengthOutOfRange = (min: number, max: number): FieldError =>
  fieldError("validation_length_out_of_range", `The length must be between ${min} and ${max}.`, { max, min })

/** Required, 1–255 characters, email-shaped; null when valid. */
export function emailError(value: string): FieldError | null {
  if (value === "") return required()
  if (value.length > 255) return lengthOutOfRange(1, 255)
  if (!isEmailFormat(value)) return fieldError("validation_is_email", "Must be a valid email address.")
  return null
}

/** Throws PocketBase's validation 400 when any field has an error. */
export function throwIfInvalid(errors: Record<string, FieldError | null | undefined>): void {
  const data: ErrorData = {}
  for (const [name, error] of Object.entries(errors)) if (error) data[name] = error
  if (Object.keys(data).length > 0) throw badRequest("An error occurred while validating the submitted data.", data)
}
