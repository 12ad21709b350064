/**
 * @module
 * `json` fields: any JSON value, stored as JSON text (`NULL` when empty).
 */

import { fieldError } from "../../core/errors.ts"
import { errRequired } from "./field-errors.ts"
import { byteLength, numOption, type FieldHandler } from "./handler.ts"
import { parseJson } from "../../core/json-text.ts"

/** `maxSize: 0` means 1 MiB. */
export const DEFAULT_JSON_MAX_SIZE = 1 << 20

const RAW_JSON_START = /^[-0-9"[{]/

/** Recursively sorts object keys, as Go's `json.Marshal` of a map does. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key])
    return out
  }
  return value
}

/**
 * Values parsed from JSON text (a submitted string or the stored column) keep their key order:
 * PocketBase stores and returns that text as it is, while a value that arrived as an object was
 * a Go map, written with its keys sorted.
 */
const keptAsWritten = new WeakSet<object>()

const isObject = (value: unknown): value is object => value !== null && typeof value === "object"

function parseText(text: string): unknown {
  const value: unknown = parseJson(text)
  if (isObject(value)) keptAsWritten.add(value)
  return value
}

/**
 * Normalizes input to the JSON value to store (checked on the reference server): non-strings
 * are kept (object keys sorted unless parsed from text); strings `"null"`, `"true"`, `"false"`
 * and valid JSON text starting with a digit, `-`, `"`, `[` or `{` are parsed; any other string
 * (including `""`) is stored as that JSON string. `undefined` becomes `null`.
 */
export function normalizeJson(value: unknown): unknown {
  if (value === undefined) return null
  if (typeof value !== "string") return isObject(value) && keptAsWritten.has(value) ? value : sortKeys(value)
  if (value === "null") return null
  if (value === "true") return true
  if (value === "false") return false
  if (RAW_JSON_START.test(value)) {
    try {
      return parseText(value)
    } catch {
      return value
    }
  }
  return value
}

/** JSON text of a normalized value, or `undefined` when it cannot be encoded (NaN, cycles, bigints…). */
function encode(value: unknown): string | undefined {
  if (typeof value === "number" && !Number.isFinite(value)) return undefined
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

const isEmptyJson = (value: unknown): boolean =>
  value === null ||
  value === "" ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === "object" && value !== null && Object.keys(value).length === 0)

export const jsonField: FieldHandler = {
  normalize: (_field, value) => normalizeJson(value),
  toColumn: (_field, value) => (value === null || value === undefined ? null : encode(value) ?? null),
  fromColumn(_field, raw) {
    if (raw === null || raw === undefined) return null
    if (typeof raw !== "string") return raw
    try {
      return parseText(raw)
    } catch {
      return raw
    }
  },
  validate(field, value) {
    const text = value === null || value === undefined ? "null" : encode(value)
    if (text === undefined) return fieldError("validation_invalid_json", "Must be a valid json value.")
    const maxSize = numOption(field.maxSize) || DEFAULT_JSON_MAX_SIZE
    if (byteLength(text) > maxSize) {
      return fieldError("validation_json_size_limit", `The maximum allowed JSON size is ${maxSize} bytes.`, { maxSize })
    }
    if (field.required && isEmptyJson(value)) return errRequired()
    return null
  },
}
