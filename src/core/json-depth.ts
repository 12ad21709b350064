/**
 * @module
 * JSON nesting limit. PocketBase's Go decoder refuses documents nested deeper than 10,000 levels
 * (its answer is the endpoint's usual "invalid data" 400); we refuse the same ones, before
 * parsing, so no later recursive walk (key sorting, rendering) can overflow the stack.
 */

/** The deepest nesting PocketBase accepts, counting every `[` and `{`. */
export const MAX_JSON_DEPTH = 10_000

/** True when `text` opens more than `max` arrays/objects at once (strings are skipped). */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === 0x5c) i++ // backslash: skip the escaped character
      else if (code === 0x22) inString = false
    } else if (code === 0x22) inString = true
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > max) return true
    } else if (code === 0x5d || code === 0x7d) depth--
  }
  return false
}

/** `JSON.parse` that throws a `SyntaxError` for documents nested deeper than PocketBase accepts. */
export function parseJson(text: string): unknown {
  if (jsonTooDeep(text)) throw new SyntaxError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`)
  return JSON.parse(text)
}
