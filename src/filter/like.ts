/**
 * @module
 * LIKE pattern handling for `~` / `!~`: PocketBase's escaping (quirks included) and, for the
 * in-memory matcher, a translation of SQLite's LIKE (ASCII case-insensitive, `\` escape) to RegExp.
 */

/** Stringifies a parameter value the way `~` sees it: numbers in plain decimals, bools `true`/`false`, null ''. */
export function likeText(value: unknown): string {
  if (value === null || value === undefined) return ""
  if (typeof value === "string") return value
  if (typeof value === "number") return plainDecimal(value)
  if (typeof value === "boolean" || typeof value === "bigint") return String(value)
  return JSON.stringify(value) ?? ""
}

/** Shortest round-trip digits without exponent, `-0` kept (how PocketBase prints a float). */
function plainDecimal(value: number): string {
  if (Object.is(value, -0)) return "-0"
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : value < 0 ? "-Inf" : "NaN"
  const text = String(value)
  const exp = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text)
  if (!exp) return text
  const [, sign, first, rest = "", power] = exp
  const digits = first! + rest
  const point = 1 + Number(power)
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  return `${sign}${digits.padEnd(point, "0")}${point < digits.length ? `.${digits.slice(point)}` : ""}`
}

/** True when `text` has a `%` preceded by an even number (including zero) of backslashes. */
export function hasUnescapedPercent(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "%") continue
    let slashes = 0
    for (let j = i - 1; j >= 0 && text[j] === "\\"; j--) slashes++
    if (slashes % 2 === 0) return true
  }
  return false
}

/**
 * Escapes `\`, `%` and `_` exactly like PocketBase: walking from the end, a special character
 * marks the next (earlier) character, which gets a `\` unless it is itself a `\`.
 * @example escapeLike("a_b") // "a\\_b"
 */
export function escapeLike(text: string): string {
  const chars = Array.from(text)
  const out: string[] = []
  let pending = false
  for (let i = chars.length - 1; i >= 0; i--) {
    const ch = chars[i]!
    if (pending) {
      if (ch !== "\\") out.push("\\")
      pending = false
      out.push(ch)
    } else {
      out.push(ch)
      pending = ch === "\\" || ch === "%" || ch === "_"
    }
  }
  if (pending) out.push("\\")
  return out.reverse().join("")
}

/** The bound pattern for a `~` parameter: verbatim when the user wrote wildcards, else `%escaped%`. */
export function likePattern(value: unknown): string {
  const text = likeText(value)
  return hasUnescapedPercent(text) ? text : `%${escapeLike(text)}%`
}

/**
 * Compiles an SQLite `LIKE ... ESCAPE '\'` pattern to a RegExp with the same meaning: `%` any run,
 * `_` one character, `\x` a literal x, ASCII letters case-insensitive, a trailing lone `\` never matches.
 */
export function likeToRegExp(pattern: string): RegExp | null {
  let source = "^"
  const chars = Array.from(pattern)
  for (let i = 0; i < chars.length; i++) {
    let ch = chars[i]!
    if (ch === "\\") {
      if (i + 1 >= chars.length) return null
      ch = chars[++i]!
      source += literalSource(ch)
    } else if (ch === "%") {
      source += "[^]*"
    } else if (ch === "_") {
      source += "[^]"
    } else {
      source += literalSource(ch)
    }
  }
  return new RegExp(`${source}$`, "u")
}

function literalSource(ch: string): string {
  if (/[a-z]/i.test(ch)) return `[${ch.toLowerCase()}${ch.toUpperCase()}]`
  // only syntax characters may be escaped under the "u" flag
  return ch.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&")
}
