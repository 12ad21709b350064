/**
 * @module
 * Body field modifiers (`total+`, `+tags`, `tags-`, `code:autogenerate`).
 */

import type { Field, RecordData } from "../../core/types.ts"
import { generateFromPattern } from "./autogenerate.ts"
import { normalizeList } from "./lists.ts"
import { toNumber } from "./number.ts"
import { normalize } from "./registry.ts"

/** What a body key does to a field. */
export type ModifierOp = "set" | "append" | "prepend" | "remove" | "autogenerate"

/** A body key resolved against the collection fields. */
export interface ResolvedKey {
  field: Field
  op: ModifierOp
}

const LIST_TYPES = new Set(["select", "relation", "file"])

/**
 * Maps a body key to its field and operation, or `null` for keys that match no field (they stay
 * in `@request.body` but are ignored on save). Number: `n+` add, `n-` subtract; select/relation/file:
 * `f+` append, `+f` prepend, `f-` remove; text: `t:autogenerate`.
 */
export function resolveModifierKey(key: string, fields: readonly Field[]): ResolvedKey | null {
  const byName = (name: string) => fields.find((f) => f.name === name)
  const plain = byName(key)
  if (plain) return { field: plain, op: "set" }
  if (key.endsWith(":autogenerate")) {
    const field = byName(key.slice(0, -":autogenerate".length))
    return field?.type === "text" ? { field, op: "autogenerate" } : null
  }
  if (key.startsWith("+")) {
    const field = byName(key.slice(1))
    return field && LIST_TYPES.has(field.type) ? { field, op: "prepend" } : null
  }
  if (key.endsWith("+") || key.endsWith("-")) {
    const field = byName(key.slice(0, -1))
    if (!field || (field.type !== "number" && !LIST_TYPES.has(field.type))) return null
    return { field, op: key.endsWith("+") ? "append" : "remove" }
  }
  return null
}

/** Applies one operation to the current value and returns the new normalized value. */
export function applyModifier(field: Field, op: ModifierOp, current: unknown, value: unknown): unknown {
  if (op === "set") return normalize(field, value)
  if (op === "autogenerate") {
    const base = normalize(field, value) as string
    return normalize(field, field.autogeneratePattern ? base + generateFromPattern(field.autogeneratePattern) : base)
  }
  if (field.type === "number") {
    const delta = toNumber(value)
    return toNumber(current) + (op === "remove" ? -delta : delta)
  }
  const list = normalizeList(current)
  const items = normalizeList(value)
  if (op === "append") return normalize(field, [...list, ...items])
  if (op === "prepend") return normalize(field, [...items, ...list])
  return normalize(field, list.filter((item) => !items.includes(item)))
}

/** The outcome of applying a body: the updated record copy and the body with modifier keys resolved. */
export interface ModifiedBody {
  /** A copy of the stored record with every recognised key applied (normalized values). */
  record: RecordData
  /** The body with modifier keys replaced by field names holding the resolved values; unknown keys kept. */
  body: Record<string, unknown>
}

/**
 * Applies `body` onto a copy of `stored` in ascending key-length order (ties keep body order), each
 * step using the value the previous one produced. Autodate fields ignore client input.
 * @example applyModifiers(fields, { total: 10 }, { "total+": 5 }).record.total // 15
 */
export function applyModifiers(fields: readonly Field[], stored: RecordData, body: Record<string, unknown>): ModifiedBody {
  const record: RecordData = { ...stored }
  const out: Record<string, unknown> = {}
  const touched = new Set<string>()
  const keys = Object.keys(body).sort((a, b) => a.length - b.length)
  for (const key of keys) {
    const resolved = resolveModifierKey(key, fields)
    if (!resolved) {
      out[key] = body[key]
      continue
    }
    const { field, op } = resolved
    if (field.type === "autodate") {
      out[key] = body[key]
      continue
    }
    record[field.name] = applyModifier(field, op, record[field.name], body[key])
    touched.add(field.name)
  }
  for (const name of touched) out[name] = record[name]
  return { record, body: out }
}
