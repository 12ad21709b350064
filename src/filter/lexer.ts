/**
 * @module
 * Turns filter text into tokens. The lexer is strict on purpose: every character either
 * belongs to a token, to whitespace or to a comment, and anything else is a syntax error with its
 * position, so no input can reach the compiler half-understood.
 */
import { FilterSyntaxError } from "./errors.ts"

/** Token kinds; `call` marks an identifier directly followed by `(` (a function name). */
export type TokenKind = "identifier" | "number" | "text" | "sign" | "join" | "lparen" | "rparen" | "comma"

/** One token; `value` is decoded for text literals and the raw spelling otherwise. */
export interface Token {
  kind: TokenKind
  value: string
  pos: number
  call?: boolean
}

const IDENTIFIER = /[\p{L}@_#][\p{L}\p{Nd}_.:]*/uy
const NUMBER = /-?[0-9]+(?:\.[0-9]+)?/y
const SIGN_CHARS = "=?!<>~"
const JOIN_CHARS = "&|"
const WHITESPACE = " \t\n\r"
const SIGNS = new Set(["=", "!=", "~", "!~", "<", "<=", ">", ">=", "?=", "?!=", "?~", "?!~", "?<", "?<=", "?>", "?>="])
const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\", '"': '"', "'": "'", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t",
}

/** Splits `text` into tokens or throws {@link FilterSyntaxError}. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (WHITESPACE.includes(ch)) {
      i++
    } else if (ch === "/") {
      if (text[i + 1] !== "/") throw new FilterSyntaxError("unexpected '/' (comments start with '//')", i)
      const end = text.indexOf("\n", i)
      i = end === -1 ? text.length : end + 1
    } else if (ch === "(" || ch === ")" || ch === ",") {
      tokens.push({ kind: ch === "(" ? "lparen" : ch === ")" ? "rparen" : "comma", value: ch, pos: i })
      i++
    } else if (ch === "'" || ch === '"') {
      const { value, end } = readText(text, i)
      tokens.push({ kind: "text", value, pos: i })
      i = end
    } else if (SIGN_CHARS.includes(ch)) {
      const end = runEnd(text, i, SIGN_CHARS)
      const sign = text.slice(i, end)
      if (!SIGNS.has(sign)) throw new FilterSyntaxError(`invalid operator '${sign}'`, i)
      tokens.push({ kind: "sign", value: sign, pos: i })
      i = end
    } else if (JOIN_CHARS.includes(ch)) {
      const end = runEnd(text, i, JOIN_CHARS)
      const join = text.slice(i, end)
      if (join !== "&&" && join !== "||") throw new FilterSyntaxError(`invalid join operator '${join}' (use && or ||)`, i)
      tokens.push({ kind: "join", value: join, pos: i })
      i = end
    } else if ((ch >= "0" && ch <= "9") || ch === "-") {
      tokens.push(readNumber(text, i))
      i += tokens[tokens.length - 1]!.value.length
    } else {
      const token = readIdentifier(text, i)
      tokens.push(token)
      i += token.value.length
    }
  }
  return tokens
}

function runEnd(text: string, start: number, chars: string): number {
  let end = start
  while (end < text.length && chars.includes(text[end]!)) end++
  return end
}

function readNumber(text: string, start: number): Token {
  NUMBER.lastIndex = start
  const match = NUMBER.exec(text)
  if (!match) throw new FilterSyntaxError("invalid number", start)
  const next = text[start + match[0].length]
  // "1.", "1.2.3" and "1abc" are rejected here rather than split into confusing extra tokens.
  if (next !== undefined && /[\p{L}\p{Nd}_.:@#]/u.test(next)) {
    throw new FilterSyntaxError(`invalid number '${match[0]}${next}'`, start)
  }
  return { kind: "number", value: match[0], pos: start }
}

function readIdentifier(text: string, start: number): Token {
  IDENTIFIER.lastIndex = start
  const match = IDENTIFIER.exec(text)
  if (!match) {
    const cp = String.fromCodePoint(text.codePointAt(start)!)
    throw new FilterSyntaxError(`unexpected character ${JSON.stringify(cp)}`, start)
  }
  const name = match[0]
  if (name === "@" || name === "_" || name === "#") {
    throw new FilterSyntaxError(`invalid identifier '${name}'`, start)
  }
  if (name.endsWith(".") || name.endsWith(":")) {
    throw new FilterSyntaxError(`identifier '${name}' may not end with '${name.at(-1)}'`, start)
  }
  const call = text[start + name.length] === "("
  return call ? { kind: "identifier", value: name, pos: start, call } : { kind: "identifier", value: name, pos: start }
}

function readText(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!
  let value = ""
  let i = start + 1
  while (i < text.length) {
    const ch = text[i]!
    if (ch === quote) return { value, end: i + 1 }
    if (ch !== "\\") {
      value += ch
      i++
      continue
    }
    const next = text[i + 1]
    if (next === undefined) break
    if (next in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[next]
      i += 2
    } else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16))
      i += 6
    } else {
      // Unknown escapes keep both characters.
      value += ch + next
      i += 2
    }
  }
  throw new FilterSyntaxError(`unterminated text literal (missing closing ${quote})`, start)
}
