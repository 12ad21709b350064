/**
 * @module
 * A view collection's fields come from its query: one field per result column, typed from the
 * column's declared SQLite type (a column taken straight from a collection keeps its storage type).
 */
import type { Database } from "bun:sqlite"
import { ApiError, fieldError } from "../core/errors.ts"
import type { Collection, Field, FieldType } from "../core/types.ts"
import { randomString } from "../core/random.ts"
import { viewColumnSources, type ColumnSource } from "./view-sources.ts"
import { idField } from "./collection-defaults.ts"
import { defaultFieldId, withFieldDefaults } from "./fields/index.ts"

const TYPE_BY_DECLARATION: Record<string, FieldType> = { TEXT: "text", NUMERIC: "number", BOOLEAN: "bool", JSON: "json" }

const invalidQuery = (message: string, cause?: unknown) =>
  new ApiError(400, "Failed to create collection.", { viewQuery: fieldError("validation_invalid_view_query", message) }, { cause })

/**
 * Derives the fields of `viewQuery`; throws a 400 when it is not a valid SELECT with an `id` column.
 * A column taken plainly from a collection's file field becomes a copy of that field (PocketBase
 * gives it a fresh `_clone_` id), so the view serves the files behind it.
 */
export function deriveViewFields(db: Database, viewQuery: string, message: string, findCollection: (name: string) => Collection | undefined): Field[] {
  if (!/^\s*(select|with)\b/i.test(viewQuery) || viewQuery.includes(";")) {
    throw withMessage(invalidQuery("The view query must be a single SELECT statement."), message)
  }
  let columns: string[]
  let declared: Array<string | null>
  try {
    const statement = db.prepare(`SELECT * FROM (${viewQuery}) LIMIT 0`)
    columns = statement.columnNames
    declared = statement.declaredTypes
    statement.finalize()
  } catch (error) {
    throw withMessage(invalidQuery(`Invalid view query: ${error instanceof Error ? error.message : String(error)}.`, error), message)
  }
  if (!columns.includes("id")) throw withMessage(invalidQuery("The view query must return an id column."), message)
  const sources = viewColumnSources(viewQuery)
  return columns.map((name, index) => {
    if (name === "id") return { ...idField(), primaryKey: false }
    const fileField = sourceFileField(sources.get(name), findCollection)
    if (fileField) return { ...fileField, id: `_clone_${randomString(4)}`, name }
    const type = TYPE_BY_DECLARATION[(declared[index] ?? "").toUpperCase()] ?? "json"
    return withFieldDefaults({ id: defaultFieldId(type, name), name, type, system: false, hidden: false, presentable: false })
  })
}

function sourceFileField(source: ColumnSource | undefined, findCollection: (name: string) => Collection | undefined): Field | undefined {
  if (!source) return undefined
  const field = findCollection(source.table)?.fields.find((f) => f.name.toLowerCase() === source.column.toLowerCase())
  return field?.type === "file" ? field : undefined
}

function withMessage(error: ApiError, message: string): ApiError {
  return new ApiError(400, message, error.data, { cause: error.cause })
}
