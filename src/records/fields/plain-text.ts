/**
 * @module
 * The shape shared by fields that hold one plain string (email, url, editor): stored and shown
 * as text, blank allowed unless required, and a type-specific check for non-blank values.
 */
import type { FieldError } from "../../core/errors.ts"
import type { Field } from "../../core/types.ts"
import { errRequired } from "./field-errors.ts"
import type { FieldHandler } from "./handler.ts"
import { scalarToString } from "./lists.ts"

/** A string field whose non-blank values must pass `check`. */
export function plainTextField(check: (field: Field, text: string) => FieldError | null): FieldHandler {
  return {
    normalize: (_field, value) => scalarToString(value),
    toColumn: (_field, value) => scalarToString(value),
    fromColumn: (_field, raw) => scalarToString(raw),
    validate(field, value) {
      const text = scalarToString(value)
      if (text === "") return field.required ? errRequired() : null
      return check(field, text)
    },
  }
}
