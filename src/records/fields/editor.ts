/**
 * @module
 * `editor` fields: rich text stored as-is, limited in bytes.
 */

import { fieldError } from "../../core/errors.ts"
import { errRequired } from "./field-errors.ts"
import { byteLength, numOption, type FieldHandler } from "./handler.ts"
import { scalarToString } from "./lists.ts"

/** `maxSize: 0` means 5 MiB. */
export const DEFAULT_EDITOR_MAX_SIZE = 5 << 20

export const editorField: FieldHandler = {
  normalize: (_field, value) => scalarToString(value),
  toColumn: (_field, value) => scalarToString(value),
  fromColumn: (_field, raw) => scalarToString(raw),
  validate(field, value) {
    const text = scalarToString(value)
    if (text === "") return field.required ? errRequired() : null
    const maxSize = numOption(field.maxSize) || DEFAULT_EDITOR_MAX_SIZE
    if (byteLength(text) > maxSize) {
      return fieldError("validation_content_size_limit", `The maximum allowed content size is ${maxSize} bytes.`, { maxSize })
    }
    return null
  },
}
