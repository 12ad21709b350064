/**
 * @module
 * `email` fields.
 */

import { fieldError } from "../../core/errors.ts"
import { domainAllowed, emailDomain, isEmail } from "./domains.ts"
import { errRequired } from "./field-errors.ts"
import type { FieldHandler } from "./handler.ts"
import { scalarToString } from "./lists.ts"

export const emailField: FieldHandler = {
  normalize: (_field, value) => scalarToString(value),
  toColumn: (_field, value) => scalarToString(value),
  fromColumn: (_field, raw) => scalarToString(raw),
  validate(field, value) {
    const text = scalarToString(value)
    if (text === "") return field.required ? errRequired() : null
    if (!isEmail(text)) return fieldError("validation_is_email", "Must be a valid email address.")
    if (!domainAllowed(emailDomain(text), field.onlyDomains, field.exceptDomains)) {
      return fieldError("validation_email_domain_not_allowed", "Email domain is not allowed.")
    }
    return null
  },
}
