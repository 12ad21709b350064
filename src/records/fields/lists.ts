/**
 * @module
 * List normalization shared by select, relation and file fields.
 */

import type { Field } from "../../core/types.ts"
import { formatFloat } from "../../core/numbers.ts"

/** Scalar → string as Go's `cast.ToString` does; arrays, objects and null give `""`. */
export function scalarToString(value: unknown): string {
  if (typeof value === "string") return value
  if (typeof value === "number") return formatFloat(value)
  if (typeof value === "boolean") return value ? "true" : "false"
  if (typeof value === "bigint") return value.toString()
  return ""
}

/**
 * Turns any input into a clean string list: a string containing `[` is parsed as a JSON array
 * (falling back to one item), other scalars become one item, each item is stringified
 * (nested arrays/objects become `""`), empties are dropped and duplicates removed (first kept).
 * Checked on the reference server: `"[1,2]"` (not a string array) stays the single item `"[1,2]"`;
 * an object input gives `[]`.
 */
export function normalizeList(value: unknown): string[] {
  let items: unknown[]
  if (Array.isArray(value)) items = value
  else if (typeof value === "string") items = value.includes("[") ? parseStringArray(value) ?? [value] : [value]
  else if (value === null || value === undefined || typeof value === "object") items = []
  else items = [value]
  const out: string[] = []
  for (const item of items) {
    const text = scalarToString(item)
    if (text !== "" && !out.includes(text)) out.push(text)
  }
  return out
}

function parseStringArray(text: string): string[] | null {
  try {
    const parsed: unknown = JSON.parse(text)
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) return parsed as string[]
  } catch {
    // not JSON: the caller keeps the raw text as one item
  }
  return null
}

/** True when a select/relation/file field stores a JSON array (`maxSelect > 1`). */
export const isMultiple = (field: Field): boolean => (Number(field.maxSelect) || 0) > 1

/** Normalizes to the stored value: the list for multiple fields, the last item (or `""`) for single ones. */
export function normalizeListValue(field: Field, value: unknown): string | string[] {
  const list = normalizeList(value)
  return isMultiple(field) ? list : (list[list.length - 1] ?? "")
}

/** Reads a stored single/multiple list value back as a list. */
export function listOf(value: unknown): string[] {
  return normalizeList(value)
}

/** Parses a list column (`'[]'` JSON text for multiple fields, plain text for single ones). */
export function listFromColumn(field: Field, raw: unknown): string | string[] {
  if (isMultiple(field)) {
    if (typeof raw === "string" && raw !== "") {
      try {
        return normalizeList(JSON.parse(raw))
      } catch {
        return normalizeList(raw)
      }
    }
    return normalizeList(raw)
  }
  // a single column may still hold a JSON array if maxSelect was lowered later
  const list = normalizeList(raw)
  return list[list.length - 1] ?? ""
}

/** Binds a list value: JSON array text for multiple fields, plain text for single ones. */
export function listToColumn(field: Field, value: unknown): string {
  const normalized = normalizeListValue(field, value)
  return Array.isArray(normalized) ? JSON.stringify(normalized) : normalized
}
