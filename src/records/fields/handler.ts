/**
 * @module
 * The contract every field type implements, and the values shared by all of them.
 */

import type { FieldError } from "../../core/errors.ts"
import type { Field } from "../../core/types.ts"

/** A value `bun:sqlite` can bind to a column. */
export type ColumnValue = string | number | null

/** What validation needs to know beyond the value itself. */
export interface ValidateContext {
  /** True when the record is being created (enables autogenerate / id rules). */
  isNew: boolean
  /** The stored value before this change (updates only; used for primary-key and password checks). */
  original?: unknown
}

/** One field type's pure logic: input → stored value → column, column → output, and validation. */
export interface FieldHandler {
  /** Converts any input (JSON body, form value, stored value) to the normalized record value. */
  normalize(field: Field, value: unknown): unknown
  /** Converts a normalized value to its SQLite binding. */
  toColumn(field: Field, value: unknown): ColumnValue
  /** Decodes a raw column into the record value (what the record JSON shows). */
  fromColumn(field: Field, raw: unknown): unknown
  /** Checks a normalized value against the field options; `null` when valid. */
  validate(field: Field, value: unknown, ctx: ValidateContext): FieldError | null
}

/** Reads a numeric option that may be absent, `null` or a string. */
export function numOption(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null
  const n = Number(value)
  return Number.isFinite(n) ? n : null
}

/** `[...text].length`: PocketBase counts runes (code points), not UTF-16 units. */
export const runeLength = (text: string): number => {
  let count = 0
  for (const _ of text) count++
  return count
}

/** UTF-8 byte length of `text`. */
export const byteLength = (text: string): number => Buffer.byteLength(text, "utf8")

const regexCache = new Map<string, RegExp | null>()

/**
 * Compiles a field's Go-syntax `pattern` as a Unicode JS regex (falling back to non-Unicode mode
 * for escapes that only legacy mode accepts); `null` when it does not compile at all.
 */
export function compilePattern(pattern: string): RegExp | null {
  let re = regexCache.get(pattern)
  if (re !== undefined) return re
  try {
    re = new RegExp(pattern, "u")
  } catch {
    try {
      re = new RegExp(pattern)
    } catch {
      re = null
    }
  }
  regexCache.set(pattern, re)
  return re
}
