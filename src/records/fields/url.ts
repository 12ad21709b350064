/**
 * @module
 * `url` fields.
 */

import { fieldError } from "../../core/errors.ts"
import { domainAllowed, urlHost } from "./domains.ts"
import { plainTextField } from "./plain-text.ts"

export const urlField = plainTextField((field, text) => {
  const host = urlHost(text)
  if (host === null) return fieldError("validation_invalid_url", "Must be a valid url.")
  if (!domainAllowed(host, field.onlyDomains, field.exceptDomains)) {
    return fieldError("validation_url_domain_not_allowed", "Url domain is not allowed.")
  }
  return null
})
