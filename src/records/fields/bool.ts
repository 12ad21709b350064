/**
 * @module
 * `bool` fields: Go `strconv.ParseBool` truthiness for strings, non-zero for numbers.
 */

import { errRequired } from "./field-errors.ts"
import type { FieldHandler } from "./handler.ts"

const TRUE_TEXT = new Set(["1", "t", "T", "TRUE", "true", "True"])

/** Truthy parse (checked on the reference server: `"T"`, `"True"`, `"1"`, `2` → true; `"yes"`, `"on"`, `[true]` → false). */
export function toBool(value: unknown): boolean {
  if (typeof value === "boolean") return value
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value)
  if (typeof value === "bigint") return value !== 0n
  if (typeof value === "string") return TRUE_TEXT.has(value)
  return false
}

export const boolField: FieldHandler = {
  normalize: (_field, value) => toBool(value),
  toColumn: (_field, value) => (toBool(value) ? 1 : 0),
  fromColumn: (_field, raw) => toBool(raw),
  validate: (field, value) => (field.required && !toBool(value) ? errRequired() : null),
}
