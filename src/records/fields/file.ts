/**
 * @module
 * `file` fields: stored file names (one or a list). Uploading, naming and mime sniffing happen in the
 * store; this module normalizes names and builds the errors (messages checked on the reference server).
 */

import { fieldError, type FieldError } from "../../core/errors.ts"
import type { Field } from "../../core/types.ts"
import { errRequired } from "./field-errors.ts"
import { numOption, type FieldHandler } from "./handler.ts"
import { isMultiple, listFromColumn, listToColumn, normalizeList, normalizeListValue } from "./lists.ts"

/** `maxSize: 0` means 5 MiB per file. */
export const DEFAULT_FILE_MAX_SIZE = 5 << 20

/** The per-file size limit of a file field. */
export const fileMaxSize = (field: Field): number => numOption(field.maxSize) || DEFAULT_FILE_MAX_SIZE

export const errTooManyFiles = (maxSelect: number): FieldError =>
  fieldError("validation_too_many_files", `The maximum allowed files is ${maxSelect}.`, { maxSelect })

export const errInvalidFiles = (names: string[]): FieldError =>
  fieldError("validation_invalid_file", `Invalid new files: [${names.join(" ")}].`, { invalidFiles: names })

export const errFileSizeLimit = (file: string, maxSize: number): FieldError =>
  fieldError("validation_file_size_limit", `Failed to upload ${file} - the maximum allowed file size is ${maxSize} bytes.`, {
    file,
    maxSize,
  })

export const errInvalidMimeType = (storedName: string, mimeTypes: string[]): FieldError =>
  fieldError("validation_invalid_mime_type", `"${storedName}" mime type must be one of: ${mimeTypes.join(", ")}.`)

/**
 * Names in `value` that are neither already stored (`existing`) nor new uploads (`uploaded`):
 * clients may only keep or reorder files the record has, never invent names.
 */
export function invalidFileNames(value: unknown, existing: string[], uploaded: string[]): string[] {
  return normalizeList(value).filter((name) => !existing.includes(name) && !uploaded.includes(name))
}

/**
 * Checks one new upload against the field's size and mime limits. `mimeType` is what the store
 * sniffed from the content; `storedName` is the generated file name used in the mime message.
 */
export function checkUpload(
  field: Field,
  upload: { originalName: string; storedName: string; size: number; mimeType: string },
): FieldError | null {
  const maxSize = fileMaxSize(field)
  if (upload.size > maxSize) return errFileSizeLimit(upload.originalName, maxSize)
  const mimeTypes = field.mimeTypes ?? []
  // Like mimetype's `Is`: parameters (`; charset=utf-8`) and case do not matter on either side.
  const base = (mime: string) => mime.split(";")[0]!.trim().toLowerCase()
  if (mimeTypes.length > 0 && !mimeTypes.some((allowed) => base(allowed) === base(upload.mimeType))) {
    return errInvalidMimeType(upload.storedName, mimeTypes)
  }
  return null
}

export const fileField: FieldHandler = {
  normalize: normalizeListValue,
  toColumn: listToColumn,
  fromColumn: listFromColumn,
  validate(field, value) {
    const names = normalizeList(value)
    if (names.length === 0) return field.required ? errRequired() : null
    const maxSelect = Math.max(Number(field.maxSelect) || 0, 1)
    if (isMultiple(field) ? names.length > maxSelect : names.length > 1) return errTooManyFiles(maxSelect)
    return null
  },
}
