/**
 * @module
 * Collection indexes as PocketBase reads them: a `CREATE [UNIQUE] INDEX` statement is parsed into
 * its parts and rebuilt in one canonical form on the collection's own table, so the SQL that runs
 * is always ours, never the text a client sent (an index "on `_superusers`" lands on the
 * collection's table, like PocketBase does).
 */
import { splitTopLevel, trimChars } from "../db/sql.ts"

/** One indexed column or expression. */
export interface IndexColumn {
  /** An identifier, or an expression when it holds `(` or a space. */
  name: string
  collate: string
  /** `ASC`, `DESC` or `""`. */
  sort: string
}

/** The parts of a `CREATE INDEX` statement. */
export interface IndexStatement {
  unique: boolean
  /** `IF NOT EXISTS` */
  optional: boolean
  schemaName: string
  indexName: string
  tableName: string
  columns: IndexColumn[]
  where: string
}

// Go's `\s` (PocketBase's parser is Go): ASCII tab, newline, form feed, carriage return and space only.
const S = "[\\t\\n\\f\\r ]"
const NS = "[^\\t\\n\\f\\r ]"
// Inferred from PocketBase v0.40.6's answers: the column list ends at the first `)` after which
// only an optional ` WHERE …` and blanks remain; text before `CREATE` is ignored.
const INDEX = new RegExp(
  `create${S}+(unique${S}+)?${S}*index${S}*(if${S}+not${S}+exists${S}+)?(${NS}*)${S}+on${S}+(${NS}*)${S}*\\(([\\s\\S]*?)\\)(?:${S}+where${S}+([\\s\\S]*))?${S}*$`,
  "i",
)
const COLUMN = new RegExp(`^([\\s\\S]+?)(?:${S}+collate${S}+(\\w+))?(?:${S}+(asc|desc))?$`, "im")
const TRIMMED = "`\"'[]\r\n\t\f\v "

/**
 * Parses a `CREATE INDEX` statement the way PocketBase does. Parts that are missing stay empty;
 * see {@link isValidIndex}.
 */
export function parseIndex(statement: string): IndexStatement {
  const result: IndexStatement = { unique: false, optional: false, schemaName: "", indexName: "", tableName: "", columns: [], where: "" }
  const match = INDEX.exec(statement)
  if (!match) return result
  const [, unique, optional, names, table, columns, where] = match
  result.unique = unique !== undefined
  result.optional = optional !== undefined
  const nameParts = splitTopLevel(names!, ".") ?? []
  if (nameParts.length === 2) {
    result.schemaName = trimChars(nameParts[0]!, TRIMMED)
    result.indexName = trimChars(nameParts[1]!, TRIMMED)
  } else {
    result.indexName = trimChars(nameParts[0] ?? "", TRIMMED)
  }
  result.tableName = trimChars(table!, TRIMMED)
  for (const raw of splitTopLevel(columns!, ",") ?? []) {
    const parts = COLUMN.exec(raw)
    const name = parts ? trimChars(parts[1]!, TRIMMED) : ""
    if (parts && name !== "") result.columns.push({ name, collate: (parts[2] ?? "").trim(), sort: (parts[3] ?? "").toUpperCase() })
  }
  result.where = (where ?? "").trim()
  return result
}

/** Whether the statement names an index, a table and at least one column. */
export const isValidIndex = (index: IndexStatement): boolean =>
  index.indexName !== "" && index.tableName !== "" && index.columns.length > 0

/** The canonical statement for `index` (PocketBase's stored form), or `""` when it is not valid. */
export function buildIndex(index: IndexStatement): string {
  if (!isValidIndex(index)) return ""
  const columns = index.columns
    .filter((column) => column.name.trim() !== "")
    .map((column) => {
      const name = column.name.trim()
      const expression = column.name.includes("(") || column.name.includes(" ")
      return `${expression ? name : `\`${name}\``}${column.collate ? ` COLLATE ${column.collate}` : ""}${column.sort ? ` ${column.sort.toUpperCase()}` : ""}`
    })
  const list = index.columns.length > 1 ? `\n  ${columns.join(",\n  ")}\n` : columns.join("")
  return [
    "CREATE ",
    index.unique ? "UNIQUE " : "",
    "INDEX ",
    index.optional ? "IF NOT EXISTS " : "",
    index.schemaName ? `\`${index.schemaName}\`.` : "",
    `\`${index.indexName}\` ON \`${index.tableName}\` (${list})`,
    index.where ? ` WHERE ${index.where}` : "",
  ].join("")
}

/** The statement moved onto `table` and rebuilt; `""` when it does not parse as an index. */
export const indexOnTable = (statement: string, table: string): string => buildIndex({ ...parseIndex(statement), tableName: table })

/**
 * True when `sql` holds a `;` outside quotes, i.e. more than one statement. PocketBase runs such an
 * index text as several statements (a `WHERE` tail can drop a table); we refuse it instead.
 */
export function hasStatementSeparator(sql: string): boolean {
  let quote = ""
  for (const ch of sql) {
    if (quote !== "") {
      if (ch === quote) quote = ""
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch
    else if (ch === "[") quote = "]"
    else if (ch === ";") return true
  }
  return false
}
