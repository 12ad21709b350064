/**
 * @module
 * `password` fields: a bcrypt hash in storage, the plain text only while a new password is being set.
 */

import { fieldError } from "../../core/errors.ts"
import { hashPasswordSync } from "../../core/passwords.ts"
import type { Field } from "../../core/types.ts"
import { errInvalidFormat, errRequired } from "./field-errors.ts"
import { compilePattern, numOption, runeLength, type FieldHandler } from "./handler.ts"

/** `max: 0` means 71 characters (bcrypt reads at most 72 bytes). */
export const DEFAULT_PASSWORD_MAX = 71
/** `cost: 0` means bcrypt cost 10. */
export const DEFAULT_PASSWORD_COST = 10

/**
 * A password field value: `plain` is set only when a new password was submitted, `hash` is the
 * stored bcrypt hash. It serializes to `""` so a hash can never leak into record JSON.
 */
export class PasswordValue {
  constructor(
    readonly plain: string,
    readonly hash: string,
  ) {}

  /** True when there is neither a stored hash nor a new password. */
  get isEmpty(): boolean {
    return this.plain === "" && this.hash === ""
  }

  toJSON(): string {
    return ""
  }
}

/** Input strings are new plain passwords; `PasswordValue`s pass through. */
export function toPasswordValue(value: unknown): PasswordValue {
  if (value instanceof PasswordValue) return value
  if (typeof value === "string") return new PasswordValue(value, "")
  return new PasswordValue("", "")
}

export const passwordField: FieldHandler = {
  normalize: (_field, value) => toPasswordValue(value),
  toColumn(field, value) {
    const password = toPasswordValue(value)
    // The records service hashes new passwords off the thread before saving; this is the fallback.
    if (password.plain !== "") return hashPasswordSync(password.plain, numOption(field.cost) || DEFAULT_PASSWORD_COST)
    return password.hash
  },
  fromColumn: (_field, raw) => new PasswordValue("", typeof raw === "string" ? raw : ""),
  validate(field, value) {
    const password = toPasswordValue(value)
    if (password.isEmpty) return field.required ? errRequired() : null
    if (password.plain === "") return null // unchanged stored hash
    // checked on the reference server: both length errors come without params, and the max
    // message differs from the text field's
    const length = runeLength(password.plain)
    const min = numOption(field.min) ?? 0
    if (min > 0 && length < min) return fieldError("validation_min_text_constraint", `Must be at least ${min} character(s).`)
    const max = numOption(field.max) || DEFAULT_PASSWORD_MAX
    if (length > max) return fieldError("validation_max_text_constraint", `Must be less than ${max} character(s).`)
    if (field.pattern) {
      const re = compilePattern(field.pattern)
      if (!re || !re.test(password.plain)) return errInvalidFormat()
    }
    return null
  },
}
