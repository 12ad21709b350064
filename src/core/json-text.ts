/**
 * @module
 * JSON text as PocketBase's decoder (Go's encoding/json v2) accepts it. Beyond `JSON.parse`, it
 * refuses documents nested deeper than 10,000 levels, and request bodies are held to its stricter
 * rules too: no duplicate member names (compared unescaped), no lone UTF-16 surrogate escapes, no
 * number beyond float64's range (`1e400`). Checking the text first also keeps later recursive
 * walks (key sorting, rendering) from overflowing the stack.
 */

/** The deepest nesting PocketBase accepts, counting every `[` and `{`. */
export const MAX_JSON_DEPTH = 10_000

/** Why PocketBase's decoder refuses a text `JSON.parse` takes, or null when it takes it too. */
export type JsonTextProblem = "too deep" | "duplicate member name" | "lone surrogate"

const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * One pass over `text` (assumed to be JSON; syntax errors are left to `JSON.parse`): nesting depth
 * always, and with `strict`, duplicate member names and lone surrogate escapes.
 */
export function jsonTextProblem(text: string, strict = false, maxDepth = MAX_JSON_DEPTH): JsonTextProblem | null {
  // One entry per open container: for objects, the member names seen so far (an array while
  // small, a Set once large), null for arrays.
  const open: Array<MemberNames | null> = []
  let previous = 0 // the last structural character outside strings
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === QUOTE) {
      const end = stringEnd(text, i, strict)
      if (end === -1) return "lone surrogate"
      const names = open[open.length - 1]
      if (strict && names && (previous === 0x7b || previous === 0x2c)) {
        const raw = text.slice(i + 1, end)
        if (!addName(names, raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw)) return "duplicate member name"
      }
      i = end
      previous = QUOTE
    } else if (code === 0x5b || code === 0x7b) {
      if (open.length >= maxDepth) return "too deep"
      open.push(code === 0x7b && strict ? { list: [], set: null } : null)
      previous = code
    } else if (code === 0x5d || code === 0x7d) {
      open.pop()
      previous = code
    } else if (code === 0x2c || code === 0x3a) previous = code
  }
  return null
}

// Most objects have a handful of members: a linear look through a small array is cheaper than a
// Set per object, and a Set takes over before the look gets long.
interface MemberNames {
  list: string[]
  set: Set<string> | null
}
const SMALL_OBJECT = 16

function addName(names: MemberNames, name: string): boolean {
  if (names.set) {
    if (names.set.has(name)) return false
    names.set.add(name)
    return true
  }
  if (names.list.includes(name)) return false
  names.list.push(name)
  if (names.list.length > SMALL_OBJECT) names.set = new Set(names.list)
  return true
}

// Index of the quote closing the string opened at `start` (the text's end when unclosed), or -1
// for a lone surrogate escape when `strict`.
function stringEnd(text: string, start: number, strict: boolean): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === QUOTE) return i
    if (code !== BACKSLASH) continue
    if (strict && text[i + 1] === "u") {
      const unit = parseInt(text.slice(i + 2, i + 6), 16)
      if (unit >= 0xdc00 && unit <= 0xdfff) return -1
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const next = text.slice(i + 6, i + 8) === "\\u" ? parseInt(text.slice(i + 8, i + 12), 16) : NaN
        if (!(next >= 0xdc00 && next <= 0xdfff)) return -1
        i += 6
      }
      i += 5
    } else i++
  }
  return text.length
}

/** True when `text` opens more than `max` arrays/objects at once (strings are skipped). */
export const jsonTooDeep = (text: string, max = MAX_JSON_DEPTH): boolean => jsonTextProblem(text, false, max) === "too deep"

/** `JSON.parse` that throws a `SyntaxError` for documents nested deeper than PocketBase accepts. */
export function parseJson(text: string): unknown {
  if (jsonTooDeep(text)) throw new SyntaxError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`)
  return JSON.parse(text)
}

// A number literal float64 cannot hold: a big exponent or a very long run of digits.
const HUGE_NUMBER_HINT = /\d[eE]\+?\d{3}|\d{309}/

/**
 * Parses a request body as PocketBase's decoder does: `SyntaxError` for anything it refuses
 * (see {@link jsonTextProblem}) and for numbers out of float64's range.
 */
export function parseJsonStrict(text: string): unknown {
  const problem = jsonTextProblem(text, true)
  if (problem) throw new SyntaxError(`JSON refused: ${problem}`)
  const value: unknown = JSON.parse(text)
  if (HUGE_NUMBER_HINT.test(text) && hasInfinity(value)) throw new SyntaxError("JSON refused: number out of range")
  return value
}

function hasInfinity(value: unknown): boolean {
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const item = pending.pop()
    if (typeof item === "number" && !Number.isFinite(item)) return true
    if (typeof item === "object" && item !== null) for (const member of Object.values(item)) pending.push(member)
  }
  return false
}
