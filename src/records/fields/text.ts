/**
 * @module
 * `text` fields, including the record `id` primary key.
 */

import type { Field } from "../../core/types.ts"
import { generateFromPattern } from "./autogenerate.ts"
import { errInvalidFormat, errMaxText, errMinText, errPkChange, errRequired } from "./field-errors.ts"
import { compilePattern, numOption, runeLength, type FieldHandler } from "./handler.ts"
import { scalarToString } from "./lists.ts"

/** `max: 0` means this many characters. */
export const DEFAULT_TEXT_MAX = 5000

/** Fills an empty value from `autogeneratePattern` on create; other values are returned unchanged. */
export function autogenerateText(field: Field, value: string, isNew: boolean): string {
  if (!isNew || value !== "" || !field.autogeneratePattern) return value
  return generateFromPattern(field.autogeneratePattern)
}

export const textField: FieldHandler = {
  normalize: (_field, value) => scalarToString(value),
  toColumn: (_field, value) => scalarToString(value),
  fromColumn: (_field, raw) => scalarToString(raw),
  validate(field, value, ctx) {
    const text = scalarToString(value)
    if (field.primaryKey && !ctx.isNew && ctx.original !== undefined && text !== ctx.original) return errPkChange()
    if (text === "") return field.required || field.primaryKey ? errRequired() : null
    const length = runeLength(text)
    const min = numOption(field.min) ?? 0
    if (min > 0 && length < min) return errMinText(min)
    const max = numOption(field.max) || DEFAULT_TEXT_MAX
    if (length > max) return errMaxText(max)
    if (field.pattern) {
      const re = compilePattern(field.pattern)
      if (!re || !re.test(text)) return errInvalidFormat()
    }
    return null
  },
}
