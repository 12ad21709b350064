/**
 * @module
 * A small model of SQLite values for the in-memory matcher: storage classes (NULL, INTEGER as
 * bigint, REAL as number, TEXT as string), type affinity and comparison rules, so that evaluating
 * a filter in JS gives the same answer as running it in SQLite.
 * @see https://www.sqlite.org/datatype3.html#type_conversions_prior_to_comparison
 */

/** An SQLite value: INTEGER is a bigint, REAL a number, TEXT a string. */
export type SqlValue = null | bigint | number | string

/** Affinity of an expression: columns have text/numeric, everything else none. */
export type Affinity = "text" | "numeric" | "none"

const INT64_MAX = 2n ** 63n - 1n
const INT64_MIN = -(2n ** 63n)
const NUMERIC_TEXT = /^[ \t\n\v\f\r]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\v\f\r]*$/
const INTEGER_TEXT = /^[ \t\n\v\f\r]*[+-]?\d+[ \t\n\v\f\r]*$/

/** A JS number as SQLite would store it in a NUMERIC column: integral values become INTEGER. */
export function numericValue(value: number): SqlValue {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? null : value
  if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return BigInt(value)
  return value
}

/** Applies NUMERIC affinity: numeric-looking text becomes a number, anything else is unchanged. */
export function toNumeric(value: SqlValue): SqlValue {
  if (typeof value !== "string" || !NUMERIC_TEXT.test(value)) return value
  if (INTEGER_TEXT.test(value)) {
    const big = BigInt(value.trim())
    if (big <= INT64_MAX && big >= INT64_MIN) return big
  }
  return numericValue(Number(value.trim()))
}

/** SQLite's REAL → TEXT rendering: 15 significant digits when they round-trip, else 17; `.0` kept. */
export function realToText(value: number): string {
  if (value === 0) return "0.0"
  if (!Number.isFinite(value)) return value > 0 ? "Inf" : value < 0 ? "-Inf" : ""
  const p15 = value.toExponential(14)
  const exp = Number(value.toExponential(14).split("e")[1])
  const digits = (Number(p15) === value ? p15 : value.toExponential(16)).split("e")[0]!.replace("-", "").replace(".", "").replace(/0+$/, "") || "0"
  const e = Number((Number(p15) === value ? p15 : value.toExponential(16)).split("e")[1] ?? exp)
  const sign = value < 0 ? "-" : ""
  if (e < -4 || e >= 17) {
    const mantissa = `${digits[0]}.${digits.slice(1) || "0"}`
    return `${sign}${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`
  const intPart = digits.slice(0, e + 1).padEnd(e + 1, "0")
  const fraction = digits.slice(e + 1)
  return `${sign}${intPart}.${fraction || "0"}`
}

/** TEXT rendering of any value (what `||`, LIKE and LOWER see); NULL stays null. */
export function toText(value: SqlValue): string | null {
  if (value === null || typeof value === "string") return value
  if (typeof value === "bigint") return value.toString()
  return realToText(value)
}

/** SQLite's built-in LOWER(): ASCII letters only. */
export function lowerValue(value: SqlValue): SqlValue {
  const text = toText(value)
  return text === null ? null : text.replace(/[A-Z]+/g, (s) => s.toLowerCase())
}

/** Converts a decoded JSON value to what SQLite's JSON functions return for it. */
export function fromJson(value: unknown): SqlValue {
  if (value === null || value === undefined) return null
  if (typeof value === "string") return value
  if (typeof value === "boolean") return value ? 1n : 0n
  if (typeof value === "number") return /[.eE]/.test(JSON.stringify(value)) ? value : numericValue(value)
  return JSON.stringify(value)
}

/** Code-point order of two strings (= SQLite BINARY collation over UTF-8). */
function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y)
  }
  return a.length - b.length
}

// Surrogates encode code points above U+FFFF, which sort after U+E000..U+FFFF in UTF-8.
const codeUnitRank = (unit: number): number =>
  unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit

/** Orders two non-null values by storage class (numbers < text), then by value. */
function compareNonNull(a: Exclude<SqlValue, null>, b: Exclude<SqlValue, null>): number {
  const aText = typeof a === "string"
  const bText = typeof b === "string"
  if (aText !== bText) return aText ? 1 : -1
  if (aText) return compareText(a as string, b as string)
  const x = a as number | bigint
  const y = b as number | bigint
  return x < y ? -1 : x > y ? 1 : 0
}

/** Applies the comparison affinity rules to both sides. */
function withAffinity(a: SqlValue, aAff: Affinity, b: SqlValue, bAff: Affinity): [SqlValue, SqlValue] {
  if (aAff === "numeric" && bAff !== "numeric") return [a, toNumeric(b)]
  if (bAff === "numeric" && aAff !== "numeric") return [toNumeric(a), b]
  if (aAff === "text" && bAff === "none") return [a, toText(b)]
  if (bAff === "text" && aAff === "none") return [toText(a), b]
  return [a, b]
}

/** One side of a comparison: its value and its affinity. */
export interface Side {
  value: SqlValue
  aff: Affinity
}

/** `a op b` with SQLite semantics; NULL (either side NULL) is returned as null. */
export function compareOp(op: "=" | "<" | "<=" | ">" | ">=", a: Side, b: Side): boolean | null {
  const [x, y] = withAffinity(a.value, a.aff, b.value, b.aff)
  if (x === null || y === null) return null
  const c = compareNonNull(x, y)
  switch (op) {
    case "=": return c === 0
    case "<": return c < 0
    case "<=": return c <= 0
    case ">": return c > 0
    case ">=": return c >= 0
  }
}

/** `a IS b`: like `=` but NULL IS NULL is true and NULL IS x false. */
export function isOp(a: Side, b: Side): boolean {
  const [x, y] = withAffinity(a.value, a.aff, b.value, b.aff)
  if (x === null || y === null) return x === y
  return compareNonNull(x, y) === 0
}

const NUMERIC_PREFIX = /^[ \t\n\v\f\r]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/

/** SQLite's truth of a value (`x IS TRUE`): non-zero numbers, and text by its numeric prefix; NULL has none. */
export function truthOf(value: SqlValue): boolean | null {
  if (value === null) return null
  if (typeof value === "bigint") return value !== 0n
  if (typeof value === "number") return value !== 0
  const prefix = NUMERIC_PREFIX.exec(value)
  return prefix !== null && Number(prefix[0]) !== 0
}
