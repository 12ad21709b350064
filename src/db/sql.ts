/**
 * @module
 * SQL text helpers: identifier quoting. Values never go through here; they are always bound.
 */

/** Quotes an SQLite identifier with backticks, doubling any backtick inside it. */
export function quoteIdent(name: string): string {
  return "`" + name.replaceAll("`", "``") + "`"
}
