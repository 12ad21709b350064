/**
 * @module
 * Turns a collection's fields into its SQLite table: CREATE for new collections, and the
 * ALTER steps that move an existing table to a new field list without losing other columns' data.
 */
import { quoteIdent } from "../db/sql.ts"
import type { Collection, Field } from "../core/types.ts"

/** True for select/relation/file fields that hold more than one value (stored as a JSON array). */
export const isMultiple = (field: Field): boolean =>
  (field.type === "select" || field.type === "relation" || field.type === "file") && (field.maxSelect ?? 0) > 1

/** The column definition (type, default, constraints) for one field. */
export function columnDefinition(field: Field): string {
  if (field.name === "id" && field.primaryKey) return "TEXT PRIMARY KEY NOT NULL"
  switch (field.type) {
    case "number":
      return "NUMERIC DEFAULT 0 NOT NULL"
    case "bool":
      return "BOOLEAN DEFAULT FALSE NOT NULL"
    case "json":
      return "JSON DEFAULT NULL"
    case "geoPoint":
      return `JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL`
    case "select":
    case "relation":
    case "file":
      return isMultiple(field) ? "JSON DEFAULT '[]' NOT NULL" : "TEXT DEFAULT '' NOT NULL"
    default:
      return "TEXT DEFAULT '' NOT NULL"
  }
}

/** `CREATE TABLE` for a base or auth collection. */
export function createTableSql(collection: Collection): string {
  const columns = collection.fields.map((field) => `${quoteIdent(field.name)} ${columnDefinition(field)}`)
  return `CREATE TABLE ${quoteIdent(collection.name)} (${columns.join(", ")})`
}

/**
 * The statements that move `before`'s table to `after`'s fields. Fields are matched by id, so a
 * renamed field keeps its column data; a field whose storage shape changed (single ↔ multiple)
 * is converted in place.
 */
export function alterTableSql(before: Collection, after: Collection): string[] {
  const steps: string[] = []
  let table = before.name
  if (before.name !== after.name) {
    steps.push(`ALTER TABLE ${quoteIdent(before.name)} RENAME TO ${quoteIdent(after.name)}`)
    table = after.name
  }
  const afterIds = new Set(after.fields.map((f) => f.id))
  for (const field of before.fields) {
    if (!afterIds.has(field.id)) steps.push(`ALTER TABLE ${quoteIdent(table)} DROP COLUMN ${quoteIdent(field.name)}`)
  }
  const beforeById = new Map(before.fields.map((f) => [f.id, f]))
  // Renames go through temporary names so swapping two field names cannot collide.
  const renamed = after.fields.filter((f) => {
    const old = beforeById.get(f.id)
    return old !== undefined && old.name !== f.name
  })
  for (const field of renamed) {
    const old = beforeById.get(field.id)!
    steps.push(`ALTER TABLE ${quoteIdent(table)} RENAME COLUMN ${quoteIdent(old.name)} TO ${quoteIdent(`_tmp_${field.id}`)}`)
  }
  for (const field of renamed) {
    steps.push(`ALTER TABLE ${quoteIdent(table)} RENAME COLUMN ${quoteIdent(`_tmp_${field.id}`)} TO ${quoteIdent(field.name)}`)
  }
  for (const field of after.fields) {
    const old = beforeById.get(field.id)
    if (!old) {
      steps.push(`ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${quoteIdent(field.name)} ${columnDefinition(field)}`)
    } else if (isMultiple(old) !== isMultiple(field)) {
      steps.push(...convertMultiplicity(table, field))
    }
  }
  return steps
}

// SQLite cannot change a column's declared type; values are rewritten instead, which is what
// queries observe (JSON array text vs a plain id).
function convertMultiplicity(table: string, field: Field): string[] {
  const column = quoteIdent(field.name)
  if (isMultiple(field)) {
    return [`UPDATE ${quoteIdent(table)} SET ${column} = CASE WHEN ${column} IS NULL OR ${column} = '' THEN '[]' WHEN json_valid(${column}) AND json_type(${column}) = 'array' THEN ${column} ELSE json_array(${column}) END`]
  }
  return [`UPDATE ${quoteIdent(table)} SET ${column} = CASE WHEN json_valid(${column}) AND json_type(${column}) = 'array' THEN COALESCE(json_extract(${column}, '$[#-1]'), '') ELSE COALESCE(${column}, '') END`]
}
