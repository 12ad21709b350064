/**
 * @module
 * `email` fields.
 */

import { fieldError } from "../../core/errors.ts"
import { domainAllowed, emailDomain, isEmail } from "./domains.ts"
import { plainTextField } from "./plain-text.ts"

export const emailField = plainTextField((field, text) => {
  if (!isEmail(text)) return fieldError("validation_is_email", "Must be a valid email address.")
  if (!domainAllowed(emailDomain(text), field.onlyDomains, field.exceptDomains)) {
    return fieldError("validation_email_domain_not_allowed", "Email domain is not allowed.")
  }
  return null
})
