/**
 * @module
 * Where a view collection's columns come from, read from its query the way PocketBase reads it:
 * the select list's plain column references (`col`, `alias.col`, with `AS name` or not) mapped to
 * the table they name (an alias of the FROM/JOIN list, or the first table when unqualified).
 * Expressions, functions and `*` have no source. Used to give views the file fields of their
 * sources and to find the stored files behind them.
 */

/** The table and column a view column is taken from. */
export interface ColumnSource {
  table: string
  column: string
}

const IDENTIFIER = String.raw`(?:"[^"]+"|\x60[^\x60]+\x60|\[[^\]]+\]|[A-Za-z_][\w]*)`
const COLUMN_REF = new RegExp(String.raw`^(?:(${IDENTIFIER})\.)?(${IDENTIFIER})$`)
const ALIASED = new RegExp(String.raw`^([\s\S]+?)\s+(?:as\s+)?(${IDENTIFIER})$`, "i")
const TABLE_REF = new RegExp(String.raw`(?:^|\bjoin\b|,)\s*(${IDENTIFIER})(?:\s+(?:as\s+)?(${IDENTIFIER}))?`, "gi")
const NOT_ALIASES = new Set(["on", "using", "where", "join", "left", "right", "inner", "outer", "cross", "natural", "full", "group", "order", "limit", "having", "window", "union", "except", "intersect"])
const FROM_END = /\b(where|group|order|limit|having|window|union|except|intersect)\b/i

const unquote = (name: string) => (/^["\x60[]/.test(name) ? name.slice(1, -1) : name)

/** The source of each plainly referenced column of `viewQuery`, by result column name. */
export function viewColumnSources(viewQuery: string): Map<string, ColumnSource> {
  const sources = new Map<string, ColumnSource>()
  const query = topLevel(viewQuery)
  const select = /^\s*select\s+(?:distinct\s+|all\s+)?/i.exec(query.masked)
  const from = /\bfrom\b/i.exec(query.masked)
  if (!select || !from) return sources
  const tables = tableAliases(query.original.slice(from.index + 4, fromEnd(query.masked, from.index + 4)))
  const mainTable = tables.values().next().value
  for (const item of splitTopLevel(query.original.slice(select[0].length, from.index), query.masked.slice(select[0].length, from.index))) {
    const aliased = COLUMN_REF.test(item) ? null : ALIASED.exec(item)
    const ref = COLUMN_REF.exec(aliased ? aliased[1]!.trim() : item)
    if (!ref) continue
    const table = ref[1] ? tables.get(unquote(ref[1]).toLowerCase()) : mainTable
    const column = unquote(ref[2]!)
    const name = aliased ? unquote(aliased[2]!) : column
    if (table) sources.set(name, { table, column })
  }
  return sources
}

// Alias (lower-cased) → table name, in FROM order.
function tableAliases(fromClause: string): Map<string, string> {
  const tables = new Map<string, string>()
  const masked = topLevel(fromClause).masked
  for (const match of masked.matchAll(TABLE_REF)) {
    const start = match.index! + match[0].indexOf(match[1]!)
    const table = unquote(fromClause.slice(start, start + match[1]!.length))
    if (NOT_ALIASES.has(table.toLowerCase())) continue
    const alias = match[2] && !NOT_ALIASES.has(match[2].toLowerCase()) ? unquote(match[2]) : table
    tables.set(alias.toLowerCase(), table)
  }
  return tables
}

function fromEnd(masked: string, start: number): number {
  const end = FROM_END.exec(masked.slice(start))
  return end ? start + end.index : masked.length
}

// The query with string literals and parenthesised parts blanked out (same length), so keywords
// and commas are only found at the top level.
function topLevel(text: string): { original: string; masked: string } {
  let masked = ""
  let depth = 0
  let quote: string | null = null
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null
      masked += " "
    } else if (ch === "'") {
      quote = ch
      masked += " "
    } else if (ch === "(") {
      depth++
      masked += " "
    } else if (ch === ")") {
      depth = Math.max(0, depth - 1)
      masked += " "
    } else masked += depth > 0 ? " " : ch
  }
  return { original: text, masked }
}

function splitTopLevel(original: string, masked: string): string[] {
  const parts: string[] = []
  let start = 0
  for (let i = 0; i <= masked.length; i++) {
    if (i === masked.length || masked[i] === ",") {
      parts.push(original.slice(start, i).trim())
      start = i + 1
    }
  }
  return parts
}
