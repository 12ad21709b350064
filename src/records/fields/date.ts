/**
 * @module
 * `date` and `autodate` fields, stored as `YYYY-MM-DD HH:MM:SS.sssZ` text (or `""`).
 */

import { fieldError } from "../../core/errors.ts"
import type { Field } from "../../core/types.ts"
import { formatDate, goRFC3339, goTimeString, normalizeDate, parseDate } from "./dates.ts"
import { errRequired } from "./field-errors.ts"
import type { FieldHandler } from "./handler.ts"

const limitOf = (option: unknown): Date | null => (typeof option === "string" && option !== "" ? parseDate(option) : null)

export const dateField: FieldHandler = {
  normalize: (_field, value) => normalizeDate(value),
  toColumn: (_field, value) => normalizeDate(value),
  fromColumn: (_field, raw) => normalizeDate(raw),
  validate(field, value) {
    const text = normalizeDate(value)
    if (text === "") return field.required ? errRequired() : null
    const date = parseDate(text)!
    // checked on the reference server: the message uses Go's time.String(), the param RFC 3339
    const min = limitOf(field.min)
    if (min && date < min) {
      return fieldError("validation_min_greater_equal_than_required", `Must be no less than ${goTimeString(min)}.`, {
        threshold: goRFC3339(min),
      })
    }
    const max = limitOf(field.max)
    if (max && date > max) {
      return fieldError("validation_max_less_equal_than_required", `Must be no greater than ${goTimeString(max)}.`, {
        threshold: goRFC3339(max),
      })
    }
    return null
  },
}

/** `autodate` values are never taken from client input; see {@link autodateValue}. */
export const autodateField: FieldHandler = {
  normalize: (_field, value) => normalizeDate(value),
  toColumn: (_field, value) => normalizeDate(value),
  fromColumn: (_field, raw) => normalizeDate(raw),
  validate: () => null,
}

/**
 * The value an autodate field gets when a record is saved: `now` when the field is set on create
 * (and the record is new) or on update, otherwise the current value.
 */
export function autodateValue(field: Field, current: unknown, opts: { isNew: boolean; now: Date }): string {
  if ((opts.isNew && field.onCreate) || field.onUpdate) return formatDate(opts.now)
  return normalizeDate(current)
}
