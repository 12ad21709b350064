/**
 * @module
 * A view collection's fields come from its query: one field per result column, typed from the
 * column's declared SQLite type (a column taken straight from a collection keeps its storage type).
 * The query is checked as PocketBase checks it: one statement, run as a view, with an `id` column.
 */
import type { Database } from "bun:sqlite"
import { ApiError, fieldError, type ErrorData } from "../core/errors.ts"
import type { Collection, Field, FieldType } from "../core/types.ts"
import { randomString } from "../core/random.ts"
import { viewColumnSources, type ColumnSource } from "./view-sources.ts"
import { quoteIdent, splitTopLevel, sqliteErrorText } from "../db/sql.ts"
import { idField } from "./collection-defaults.ts"
import { defaultFieldId, withFieldDefaults } from "./fields/index.ts"

const TYPE_BY_DECLARATION: Record<string, FieldType> = { TEXT: "text", NUMERIC: "number", BOOLEAN: "bool", JSON: "json" }
const PROBE_VIEW = "_pocketbun_view_probe"
const MISSING_ID = "missing required id column (you can use `(ROW_NUMBER() OVER()) as id` if you don't have one)"
// `*` would copy every column, password hashes and token keys included, into a readable view.
const WILDCARD = "wildcard columns (*) are not supported - manually type the collection field names you want the view query to have"

/** A view query and the fields it yields. */
export interface ViewDefinition {
  /** The query as it runs: blanks and `;` trimmed from both ends. */
  query: string
  fields: Field[]
}

/**
 * Derives the fields of `viewQuery`; throws `message`'s 400 (PocketBase's field errors) when it is
 * not one statement, does not run as a view, or has no `id` column. Runs the query as a throwaway
 * view inside a savepoint, so the database is left as it was. A column taken plainly from a
 * collection's file field becomes a copy of that field (PocketBase gives it a fresh `_clone_` id),
 * so the view serves the files behind it.
 */
export function deriveViewFields(db: Database, viewQuery: string, message: string, findCollection: (name: string) => Collection | undefined): ViewDefinition {
  const query = viewQuery.trim().replace(/^;+|;+$/g, "")
  if (query === "") {
    throw new ApiError(400, message, { fields: fieldError("validation_required", "Cannot be blank."), viewQuery: fieldError("validation_required", "Cannot be blank.") })
  }
  if ((splitTopLevel(query, ";") ?? []).length > 1) throw invalidQuery(message, "multiple statements are not supported")
  if (selectsWildcard(query)) throw invalidQuery(message, WILDCARD)
  let columns: string[]
  let declared: Array<string | null>
  db.run("SAVEPOINT view_probe")
  try {
    // Only the first statement of a prepared text runs, whatever follows it.
    db.prepare(`CREATE VIEW ${quoteIdent(PROBE_VIEW)} AS ${query}`).run()
    const statement = db.prepare(`SELECT * FROM ${quoteIdent(PROBE_VIEW)} LIMIT 0`)
    columns = statement.columnNames
    declared = statement.declaredTypes
    statement.finalize()
  } catch (error) {
    throw invalidQuery(message, error instanceof Error ? sqliteErrorText(error) : String(error), error)
  } finally {
    db.run("ROLLBACK TO view_probe")
    db.run("RELEASE view_probe")
  }
  if (!columns.includes("id")) {
    throw invalidQuery(message, MISSING_ID, undefined, fieldError("validation_missing_primary_key", 'Missing or invalid "id" PK field.'))
  }
  const sources = viewColumnSources(query)
  const fields = columns.map((name, index) => {
    if (name === "id") return viewIdField()
    const fileField = sourceFileField(sources.get(name), findCollection)
    if (fileField) return { ...fileField, id: `_clone_${randomString(4)}`, name }
    const type = TYPE_BY_DECLARATION[(declared[index] ?? "").toUpperCase()] ?? "json"
    return withFieldDefaults({ id: defaultFieldId(type, name), name, type, system: false, hidden: false, presentable: false })
  })
  return { query, fields }
}

// PocketBase reports the query and, as no fields could be derived, the fields too.
function invalidQuery(message: string, reason: string, cause?: unknown, fieldsError = fieldError("validation_required", "Cannot be blank.")): ApiError {
  const data: ErrorData = { fields: fieldsError, viewQuery: fieldError("validation_invalid_view_query", `Invalid query - ${reason.slice(0, 500)}`) }
  return new ApiError(400, message, data, { cause })
}

/** True when the outermost SELECT lists `*` or `table.*` among its columns. */
export function selectsWildcard(query: string): boolean {
  const columns = /\bselect\s+(?:(?:distinct|all)\s+)?([\s\S]*?)(?:\bfrom\b|$)/i.exec(outermostText(query))?.[1] ?? ""
  return columns.split(",").some((column) => /(^|\.)\s*\*$/.test(column.trim()))
}

// The query with parenthesized parts emptied (`count(*)` → `count()`) and quoted text blanked, so
// only the outermost statement's words remain.
function outermostText(query: string): string {
  let out = ""
  let depth = 0
  let quote = ""
  for (const ch of query) {
    if (quote !== "") {
      if (ch === quote) quote = ""
      continue
    }
    if (ch === "'" || ch === '"' || ch === "`" || ch === "[") {
      quote = ch === "[" ? "]" : ch
      if (depth === 0) out += "q"
    } else if (ch === "(") {
      if (depth++ === 0) out += "("
    } else if (ch === ")") {
      if (depth > 0 && --depth === 0) out += ")"
    } else if (depth === 0) out += ch
  }
  return out
}

function sourceFileField(source: ColumnSource | undefined, findCollection: (name: string) => Collection | undefined): Field | undefined {
  if (!source) return undefined
  const field = findCollection(source.table)?.fields.find((f) => f.name.toLowerCase() === source.column.toLowerCase())
  return field?.type === "file" ? field : undefined
}

/** A view's `id`: PocketBase's plain primary-key text field (no length limits, nothing autogenerated). */
function viewIdField(): Field {
  return { ...idField(), autogeneratePattern: "", max: 0, min: 0 }
}
