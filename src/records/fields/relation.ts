/**
 * @module
 * `relation` fields: one id or a list of ids of `collectionId` records. Whether those records exist
 * is checked by the store ({@link relationIds} lists what to look up).
 */

import { fieldError, type FieldError } from "../../core/errors.ts"
import type { Field } from "../../core/types.ts"
import { errRequired } from "./field-errors.ts"
import type { FieldHandler } from "./handler.ts"
import { listFromColumn, listToColumn, normalizeList, normalizeListValue } from "./lists.ts"
import { checkMaxSelect } from "./select.ts"

/** The ids a relation value refers to (the store checks they exist in `field.collectionId`). */
export const relationIds = (value: unknown): string[] => normalizeList(value)

/** The error the store reports when some of {@link relationIds} do not exist. */
export const errMissingRelRecords = (): FieldError =>
  fieldError("validation_missing_rel_records", "Failed to find all relation records with the provided ids.")

export const relationField: FieldHandler = {
  normalize: normalizeListValue,
  toColumn: listToColumn,
  fromColumn: listFromColumn,
  validate(field: Field, value) {
    const ids = normalizeList(value)
    if (ids.length === 0) return field.required ? errRequired() : null
    const minSelect = Number(field.minSelect) || 0
    if (ids.length < minSelect) {
      return fieldError("validation_not_enough_values", `Select at least ${minSelect}.`, { minSelect })
    }
    return checkMaxSelect(field, ids)
  },
}
