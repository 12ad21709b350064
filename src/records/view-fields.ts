/**
 * @module
 * A view collection's fields come from its query: one field per result column, typed from the
 * column's declared SQLite type (a column taken straight from a collection keeps its storage type).
 */
import type { Database } from "bun:sqlite"
import { ApiError, fieldError } from "../core/errors.ts"
import type { Field, FieldType } from "../core/types.ts"
import { idField } from "./collection-defaults.ts"
import { defaultFieldId, withFieldDefaults } from "./fields/index.ts"

const TYPE_BY_DECLARATION: Record<string, FieldType> = { TEXT: "text", NUMERIC: "number", BOOLEAN: "bool", JSON: "json" }

const invalidQuery = (message: string, cause?: unknown) =>
  new ApiError(400, "Failed to create collection.", { viewQuery: fieldError("validation_invalid_view_query", message) }, { cause })

/** Derives the fields of `viewQuery`; throws a 400 when it is not a valid SELECT with an `id` column. */
export function deriveViewFields(db: Database, viewQuery: string, message: string): Field[] {
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
  return columns.map((name, index) => {
    if (name === "id") return { ...idField(), primaryKey: false }
    const type = TYPE_BY_DECLARATION[(declared[index] ?? "").toUpperCase()] ?? "json"
    return withFieldDefaults({ id: defaultFieldId(type, name), name, type, system: false, hidden: false, presentable: false })
  })
}

function withMessage(error: ApiError, message: string): ApiError {
  return new ApiError(400, message, error.data, { cause: error.cause })
}
