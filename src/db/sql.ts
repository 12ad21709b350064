/**
 * @module
 * SQL text helpers: identifier quoting, splitting at top-level separators, and SQLite errors
 * worded as PocketBase's driver words them. Values never go through here; they are always bound.
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

const SPACES = "\t\n\v\f\r \u0085\u00a0"

/**
 * Splits SQL text at `separator` outside parentheses and quotes, as PocketBase's tokenizer does (a
 * backslash escapes the next character); null when a parenthesis or quote is left open. Empty
 * pieces are dropped, the rest trimmed of blanks.
 */
export function splitTopLevel(text: string, separator: string): string[] | null {
  const pieces: string[] = []
  let current = ""
  let depth = 0
  let quote = ""
  let previous = ""
  for (const ch of text) {
    if (previous !== "\\") {
      if (ch === "(" && quote === "") depth++
      else if (ch === ")" && depth > 0 && quote === "") depth--
      else if (ch === "'" || ch === '"' || ch === "`") {
        if (quote === ch) quote = ""
        else if (quote === "") quote = ch
      }
    }
    if (ch === separator && depth === 0 && quote === "") {
      pieces.push(current)
      current = ""
      previous = ""
      continue
    }
    previous = ch
    current += ch
  }
  if (depth > 0 || quote !== "") return null
  pieces.push(current)
  return pieces.map((piece) => trimChars(piece, SPACES)).filter((piece) => piece !== "")
}

/** Strips any of `chars` from both ends of `text` (Go's `strings.Trim`). */
export function trimChars(text: string, chars: string): string {
  let start = 0
  let end = text.length
  while (start < end && chars.includes(text[start]!)) start++
  while (end > start && chars.includes(text[end - 1]!)) end--
  return text.slice(start, end)
}
