/**
 * @module
 * SQL text helpers: identifier quoting, and SQLite errors worded as PocketBase's driver words
 * them. Values never go through here; they are always bound.
 */

/** Quotes an SQLite identifier with backticks, doubling any backtick inside it. */
export function quoteIdent(name: string): string {
  return "`" + name.replaceAll("`", "``") + "`"
}

// SQLite's own text for the primary result codes a schema change can meet (sqlite3_errstr).
const RESULT_CODE_TEXT: Record<number, string> = {
  1: "SQL logic error",
  13: "database or disk is full",
  18: "string or blob too big",
  19: "constraint failed",
  20: "datatype mismatch",
}

/**
 * An SQLite error as PocketBase's Go driver prints it: `<code text>: <message> (<extended code>)`,
 * e.g. `SQL logic error: no such column: email (1)`.
 */
export function sqliteErrorText(error: Error): string {
  const code = (error as { errno?: unknown }).errno
  if (typeof code !== "number") return error.message
  const text = RESULT_CODE_TEXT[code & 0xff]
  return text ? `${text}: ${error.message} (${code})` : `${error.message} (${code})`
}
