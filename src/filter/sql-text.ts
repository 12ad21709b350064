/**
 * @module
 * Small helpers that write SQL text: identifier quoting, REAL literals and JSON array coercion.
 * Nothing here ever embeds request data; request values always travel as bound parameters.
 */

/** Quotes an identifier with backticks (doubling any backtick inside). */
export const quoteIdent = (name: string): string => "`" + name.replaceAll("`", "``") + "`"

/** `alias`.`column` */
export const columnRef = (alias: string, column: string): string => `${quoteIdent(alias)}.${quoteIdent(column)}`

/**
 * Writes a JS number as an SQLite REAL literal (`1` → `1.0`). PocketBase binds numbers as float64
 * without affinity; inlining a REAL literal reproduces that (bun:sqlite binds integral numbers as
 * INTEGER, and `CAST(? AS REAL)` would add REAL affinity). Non-finite numbers become NULL.
 */
export function formatReal(value: number): string {
  if (!Number.isFinite(value)) return "NULL"
  const text = String(Object.is(value, -0) ? 0 : value)
  return /[.e]/.test(text) ? text : `${text}.0`
}

/**
 * SQL that turns a stored select/relation/file value into a JSON array for `json_each`:
 * arrays stay, NULL and '' become `[]`, any other value counts as one item.
 */
export const jsonArrayExpr = (value: string): string =>
  `(CASE WHEN ${value} IS NULL OR ${value} = '' THEN '[]' ` +
  `WHEN json_valid(${value}) THEN (CASE WHEN json_type(${value}) = 'array' THEN ${value} ELSE json_array(${value}) END) ` +
  `ELSE json_array(${value}) END)`

/** The items `:each` walks: a JSON array's elements, any other value (NULL and '' included) as one item. */
export const jsonItemsExpr = (value: string): string =>
  `(CASE WHEN iif(json_valid(${value}), json_type(${value}) = 'array', FALSE) THEN ${value} ELSE json_array(${value}) END)`

/** SQL that makes any stored value safe for `JSON_EXTRACT`: valid JSON stays, anything else is JSON-quoted. */
export const jsonDocExpr = (value: string): string =>
  `(CASE WHEN json_valid(${value}) THEN ${value} ELSE json_quote(${value}) END)`

/** Converts identifier path segments into a JSON path: `["items","0","name"]` → `$.items[0].name`. */
export function jsonPath(segments: readonly string[]): string {
  let path = "$"
  for (const segment of segments) path += /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`
  return path
}

/** Quotes a string as an SQL text literal. Only used for text this package generated itself. */
export const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`
