/**
 * @module
 * Go-compatible number text: PocketBase formats floats with `strconv.FormatFloat(f, 'f', -1, 64)`
 * (shortest round-trip digits, never exponent notation) and parses them with `strconv.ParseFloat`.
 */

/** Shortest decimal text for `n` without exponent notation (`1e21` → `"1000000000000000000000"`, `1e-7` → `"0.0000001"`). */
export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN"
  if (n === Infinity) return "+Inf"
  if (n === -Infinity) return "-Inf"
  if (Object.is(n, -0)) return "-0"
  const text = String(n)
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text)
  if (!match) return text
  const [, sign, lead, frac = "", expText] = match
  const digits = lead! + frac
  const exp = Number(expText)
  // the decimal point sits after `1 + exp` digits
  const point = 1 + exp
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

const DECIMAL = /^[+-]?(?:\d+(?:_\d+)*)?(?:\.\d*)?(?:[eE][+-]?\d+)?$/
const SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i

/**
 * Parses `text` the way Go's `strconv.ParseFloat` does for decimal input: no surrounding spaces,
 * optional sign and exponent, `inf`/`infinity`/`nan` accepted. Returns `null` for invalid text.
 */
export function parseFloatStrict(text: string): number | null {
  if (SPECIAL.test(text)) {
    if (/nan/i.test(text)) return NaN
    return text.startsWith("-") ? -Infinity : Infinity
  }
  if (text.includes("_")) return null // Go allows underscores only after a base prefix
  if (!DECIMAL.test(text) || !/\d/.test(text.replace(/[eE].*$/, ""))) return null
  const n = Number(text)
  return Number.isNaN(n) ? null : n
}
