/**
 * @module
 * `url` fields.
 */

import { fieldError } from "../../core/errors.ts"
import { domainAllowed, urlHost } from "./domains.ts"
import { errRequired } from "./field-errors.ts"
import type { FieldHandler } from "./handler.ts"
import { scalarToString } from "./lists.ts"

export const urlField: FieldHandler = {
  normalize: (_field, value) => scalarToString(value),
  toColumn: (_field, value) => scalarToString(value),
  fromColumn: (_field, raw) => scalarToString(raw),
  validate(field, value) {
    const text = scalarToString(value)
    if (text === "") return field.required ? errRequired() : null
    const host = urlHost(text)
    if (host === null) return fieldError("validation_invalid_url", "Must be a valid url.")
    if (!domainAllowed(host, field.onlyDomains, field.exceptDomains)) {
      return fieldError("validation_url_domain_not_allowed", "Url domain is not allowed.")
    }
    return null
  },
}
