/**
 * @module
 * What the filter package needs to know about collections and fields, as a small lookup interface
 * plus helpers that read the storage layout (which fields hold JSON arrays, which are unique).
 */
import type { Collection, Field } from "../core/types.ts"

/** Finds collections by name (case-insensitive) or id; provided by the records layer. */
export interface SchemaLookup {
  findCollection(nameOrId: string): Collection | undefined
}

const LIST_TYPES = new Set(["select", "relation", "file"])

/** True for select/relation/file fields. */
export const isListField = (field: Field): boolean => LIST_TYPES.has(field.type)

/** True when a select/relation/file field stores a JSON array (maxSelect > 1). */
export const isMultipleField = (field: Field): boolean => isListField(field) && (field.maxSelect ?? 0) > 1

/** The field named exactly `name`, if any. */
export const findField = (collection: Collection, name: string): Field | undefined =>
  collection.fields.find((field) => field.name === name)

const UNIQUE_INDEX = /^\s*create\s+unique\s+index\s+(?:if\s+not\s+exists\s+)?\S+\s+on\s+\S+\s*\(([^(),]+)\)\s*(?:where\b.*)?$/is

/** True when the collection has a UNIQUE index on exactly this one column. */
export function hasSingleColumnUniqueIndex(collection: Collection, column: string): boolean {
  return collection.indexes.some((index) => {
    const match = UNIQUE_INDEX.exec(index)
    if (!match) return false
    const name = match[1]!.trim().replace(/\s+(asc|desc)$/i, "").replace(/\s+collate\s+\w+$/i, "")
    return name.replace(/^[`"[]|[`"\]]$/g, "") === column
  })
}

/** SQLite type affinity of a field's column in the storage layout (used by the in-memory matcher). */
export function columnAffinity(field: Field): "text" | "numeric" {
  if (field.type === "number" || field.type === "bool" || field.type === "json" || field.type === "geoPoint") return "numeric"
  // multiple select/relation/file columns are declared JSON, which SQLite treats as NUMERIC affinity
  return isMultipleField(field) ? "numeric" : "text"
}
