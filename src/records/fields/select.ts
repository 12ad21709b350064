/**
 * @module
 * `select` fields: one value (`maxSelect ≤ 1`) or a list, each from `values`.
 */

import { fieldError, type FieldError } from "../../core/errors.ts"
import type { Field } from "../../core/types.ts"
import { errRequired } from "./field-errors.ts"
import type { FieldHandler } from "./handler.ts"
import { isMultiple, listFromColumn, listToColumn, normalizeList, normalizeListValue } from "./lists.ts"

/** "Select no more than {maxSelect}." — shared by select and relation fields. */
export const errTooManyValues = (maxSelect: number): FieldError =>
  fieldError("validation_too_many_values", `Select no more than ${maxSelect}.`, { maxSelect })

/** Checks a list length against `maxSelect` (only meaningful for multiple fields). */
export function checkMaxSelect(field: Field, list: string[]): FieldError | null {
  const maxSelect = Number(field.maxSelect) || 0
  return isMultiple(field) && list.length > maxSelect ? errTooManyValues(maxSelect) : null
}

export const selectField: FieldHandler = {
  normalize: normalizeListValue,
  toColumn: listToColumn,
  fromColumn: listFromColumn,
  validate(field, value) {
    const list = normalizeList(value)
    if (list.length === 0) return field.required ? errRequired() : null
    // checked on the reference server: too many values is reported before unknown values
    const tooMany = checkMaxSelect(field, list)
    if (tooMany) return tooMany
    const allowed = field.values ?? []
    const invalid = list.find((item) => !allowed.includes(item))
    if (invalid !== undefined) return fieldError("validation_invalid_value", `Invalid value ${invalid}.`, { value: invalid })
    return null
  },
}
