/**
 * @module
 * `editor` fields: rich text stored as-is, limited in bytes.
 */

import { fieldError } from "../../core/errors.ts"
import { byteLength, numOption } from "./handler.ts"
import { plainTextField } from "./plain-text.ts"

/** `maxSize: 0` means 5 MiB. */
export const DEFAULT_EDITOR_MAX_SIZE = 5 << 20

export const editorField = plainTextField((field, text) => {
  const maxSize = numOption(field.maxSize) || DEFAULT_EDITOR_MAX_SIZE
  if (byteLength(text) > maxSize) {
    return fieldError("validation_content_size_limit", `The maximum allowed content size is ${maxSize} bytes.`, { maxSize })
  }
  return null
})
