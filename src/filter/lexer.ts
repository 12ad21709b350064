/**
 * @module
 * Turns filter text into tokens the way PocketBase's filter scanner does, character class for
 * character class: only ASCII letters start identifiers, only space, tab and newline are
 * whitespace (a carriage return is an error), text literals decode `\n \t \r \\ \' \"` and keep
 * any other backslash pair as written, and a parenthesised group is one token holding its raw
 * inner text, parsed again on its own. Function calls are scanned whole, arguments included.
 */
import { FilterSyntaxError } from "./errors.ts"

/** Token kinds; a `group` holds the raw text between its parentheses. */
export type TokenKind = "identifier" | "function" | "number" | "text" | "sign" | "join" | "group" | "whitespace" | "comment" | "eof"

/** One token; `value` is decoded for text literals and the raw spelling otherwise. */
export interface Token {
  kind: TokenKind
  value: string
  /** Offset of the token's first character in the whole filter. */
  pos: number
  /** Arguments of a `function` token. */
  args?: Token[]
}

/** Deepest accepted function-call nesting (`f(g(h(x)))` is depth 3). */
export const MAX_FUNCTION_DEPTH = 3

const SIGNS = new Set(["=", "!=", "~", "!~", "<", "<=", ">", ">=", "?=", "?!=", "?~", "?!~", "?<", "?<=", "?>", "?>="])
const TEXT_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' }

const isWhitespace = (ch: string): boolean => ch === " " || ch === "\t" || ch === "\n"
const isLetter = (ch: string): boolean => (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z")
const isDigit = (ch: string): boolean => ch >= "0" && ch <= "9"
const isSpecialStart = (ch: string): boolean => ch === "@" || ch === "_" || ch === "#"
const isIdentifierStart = (ch: string): boolean => isLetter(ch) || isSpecialStart(ch)
const isIdentifierPart = (ch: string): boolean => isLetter(ch) || isDigit(ch) || ch === "_" || ch === "." || ch === ":"
const isNumberStart = (ch: string): boolean => ch === "-" || isDigit(ch)
const isQuote = (ch: string): boolean => ch === "'" || ch === '"'
const isSignChar = (ch: string): boolean => "=?!<>~".includes(ch)
const isJoinChar = (ch: string): boolean => ch === "&" || ch === "|"

/** An identifier may not end with `.`/`:` nor be a lone `@`, `_` or `#`. */
const isValidIdentifier = (name: string): boolean =>
  name !== "" && !name.endsWith(".") && !name.endsWith(":") && !(name.length === 1 && isSpecialStart(name))

/** Reads tokens one at a time from `text`; `offset` is where `text` starts in the whole filter. */
export class Scanner {
  readonly #text: string
  readonly #offset: number
  #i = 0

  constructor(text: string, offset = 0) {
    this.#text = text
    this.#offset = offset
  }

  /** The next token (whitespace and comments included); throws {@link FilterSyntaxError}. */
  next(): Token {
    const text = this.#text
    const start = this.#i
    if (start >= text.length) return this.#token("eof", "", start)
    const ch = text[start]!
    if (isWhitespace(ch)) {
      while (this.#i < text.length && isWhitespace(text[this.#i]!)) this.#i++
      return this.#token("whitespace", text.slice(start, this.#i), start)
    }
    if (ch === "(") return this.#group()
    if (isIdentifierStart(ch)) return this.#identifier(MAX_FUNCTION_DEPTH)
    if (isNumberStart(ch)) return this.#number()
    if (isQuote(ch)) return this.#textLiteral()
    if (isSignChar(ch)) {
      const sign = this.#run(isSignChar)
      if (!SIGNS.has(sign)) throw this.#error(`invalid operator '${sign}'`, start)
      return this.#token("sign", sign, start)
    }
    if (isJoinChar(ch)) {
      const join = this.#run(isJoinChar)
      if (join !== "&&" && join !== "||") throw this.#error(`invalid join operator '${join}' (use && or ||)`, start)
      return this.#token("join", join, start)
    }
    if (ch === "/") return this.#comment()
    const cp = String.fromCodePoint(text.codePointAt(start)!)
    throw this.#error(`unexpected character ${JSON.stringify(cp)}`, start)
  }

  #token(kind: TokenKind, value: string, at: number, args?: Token[]): Token {
    const token: Token = { kind, value, pos: this.#offset + at }
    if (args) token.args = args
    return token
  }

  #error(message: string, at: number): FilterSyntaxError {
    return new FilterSyntaxError(message, this.#offset + at)
  }

  #run(accept: (ch: string) => boolean): string {
    const start = this.#i
    while (this.#i < this.#text.length && accept(this.#text[this.#i]!)) this.#i++
    return this.#text.slice(start, this.#i)
  }

  /** `-` only first, at most one `.`, and neither a lone `-` nor a trailing `.`. */
  #number(): Token {
    const text = this.#text
    const start = this.#i
    let dot = false
    while (this.#i < text.length) {
      const ch = text[this.#i]!
      if (isDigit(ch) || (ch === "-" && this.#i === start) || (ch === "." && !dot)) {
        dot ||= ch === "."
        this.#i++
      } else break
    }
    const literal = text.slice(start, this.#i)
    if (literal === "-" || literal.endsWith(".")) throw this.#error(`invalid number '${literal}'`, start)
    return this.#token("number", literal, start)
  }

  #identifier(depth: number): Token {
    const start = this.#i
    this.#i++
    this.#run(isIdentifierPart)
    const name = this.#text.slice(start, this.#i)
    if (this.#text[this.#i] === "(") {
      if (depth <= 0) throw this.#error(`functions nest too deeply (max ${MAX_FUNCTION_DEPTH})`, start)
      if (!isValidIdentifier(name)) throw this.#error(`invalid function name '${name}'`, start)
      return this.#token("function", name, start, this.#arguments(name, depth))
    }
    if (!isValidIdentifier(name)) throw this.#error(`invalid identifier '${name}'`, start)
    return this.#token("identifier", name, start)
  }

  /** Arguments of a call: identifiers (calls included), numbers and texts, comma-separated. */
  #arguments(name: string, depth: number): Token[] {
    const text = this.#text
    const args: Token[] = []
    let expectComma = false
    this.#i++ // "("
    while (this.#i < text.length) {
      const ch = text[this.#i]!
      if (ch === ")") {
        this.#i++
        return args
      }
      if (isWhitespace(ch)) {
        this.#i++
        continue
      }
      if (ch === "/") {
        this.#comment()
        continue
      }
      const comma = ch === ","
      if (expectComma !== comma) {
        throw this.#error(comma ? `unexpected ',' in ${name}()` : `expected ',' between the arguments of ${name}()`, this.#i)
      }
      expectComma = !comma
      if (comma) {
        this.#i++
      } else if (isIdentifierStart(ch)) {
        args.push(this.#identifier(depth - 1))
      } else if (isNumberStart(ch)) {
        args.push(this.#number())
      } else if (isQuote(ch)) {
        args.push(this.#textLiteral())
      } else {
        throw this.#error(`unsupported character ${JSON.stringify(ch)} in the arguments of ${name}()`, this.#i)
      }
    }
    throw this.#error(`unterminated call of ${name}() (missing ')')`, text.length)
  }

  #textLiteral(): Token {
    const { value, end } = this.#readText(true)
    const token = this.#token("text", value, this.#i)
    this.#i = end
    return token
  }

  /** Reads a quoted text from the current position; `decode` turns escapes into characters. */
  #readText(decode: boolean): { value: string; end: number } {
    const text = this.#text
    const start = this.#i
    const quote = text[start]!
    let value = ""
    for (let i = start + 1; i < text.length; i++) {
      const ch = text[i]!
      if (ch === quote) return { value: decode ? value : text.slice(start, i + 1), end: i + 1 }
      if (ch !== "\\" || i + 1 >= text.length) {
        value += ch
        continue
      }
      const next = text[++i]!
      value += TEXT_ESCAPES[next] ?? `\\${next}`
    }
    throw this.#error(`unterminated text literal (missing closing ${quote})`, start)
  }

  /** `// ...` up to the end of the line; a lone `/` is an error. */
  #comment(): Token {
    const start = this.#i
    if (this.#text[start + 1] !== "/") throw this.#error("unexpected '/' (comments start with '//')", start)
    const end = this.#text.indexOf("\n", start)
    this.#i = end === -1 ? this.#text.length : end + 1
    return this.#token("comment", this.#text.slice(start + 2, end === -1 ? undefined : end), start)
  }

  /** A parenthesised group, as its raw inner text: nested parentheses and quoted texts are skipped over. */
  #group(): Token {
    const text = this.#text
    const start = this.#i
    let open = 1
    this.#i++
    while (this.#i < text.length) {
      const ch = text[this.#i]!
      if (isQuote(ch)) {
        this.#i = this.#readText(false).end
        continue
      }
      if (ch === "(") open++
      if (ch === ")" && --open === 0) {
        this.#i++
        return this.#token("group", text.slice(start + 1, this.#i - 1), start)
      }
      this.#i++
    }
    throw this.#error(`unbalanced parentheses (${open} not closed)`, start)
  }
}
