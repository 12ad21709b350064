/**
 * @module
 * `number` fields: float64 values with optional integer-only and min/max constraints.
 */

import { fieldError } from "../../core/errors.ts"
import { errRequired } from "./field-errors.ts"
import { numOption, type FieldHandler } from "./handler.ts"
import { formatFloat, parseFloatStrict } from "../../core/numbers.ts"

const INT64_LIMIT = 2 ** 63

/**
 * Converts input to a float: numeric strings are parsed Go-style (`"1e3"` → 1000, `" 5 "` → 0),
 * booleans give 1/0, anything else 0. `"NaN"`/`"Inf"` parse through so validation can reject them.
 */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value
  if (typeof value === "boolean") return value ? 1 : 0
  if (typeof value === "bigint") return Number(value)
  if (typeof value === "string") return parseFloatStrict(value) ?? 0
  return 0
}

export const numberField: FieldHandler = {
  normalize: (_field, value) => toNumber(value),
  toColumn: (_field, value) => toNumber(value),
  fromColumn: (_field, raw) => toNumber(raw),
  validate(field, value) {
    const n = toNumber(value)
    if (!Number.isFinite(n)) {
      return fieldError("validation_not_a_number", "The submitted number is not properly formatted.")
    }
    if (n === 0) return field.required ? errRequired() : null
    // An integer past the int64 range (1e21) is "decimal" to PocketBase too: it does not survive int64.
    if (field.onlyInt && !(Number.isInteger(n) && n >= -INT64_LIMIT && n < INT64_LIMIT)) {
      return fieldError("validation_only_int_constraint", "Decimal numbers are not allowed.")
    }
    const min = numOption(field.min)
    if (min !== null && n < min) {
      return fieldError("validation_min_number_constraint", `Must be greater or equal than ${formatFloat(min)}.`, { min })
    }
    const max = numOption(field.max)
    if (max !== null && n > max) {
      return fieldError("validation_max_number_constraint", `Must be less or equal than ${formatFloat(max)}.`, { max })
    }
    return null
  },
}
