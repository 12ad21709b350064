/**
 * @module
 * PocketBase's key conversion for request headers (rules read them as `@request.headers.x_token`).
 */

/**
 * Lower snake_case for header names: split on anything that is not a letter or digit (`_`
 * included), put `_` before an upper-case letter that follows a non-upper-case one, lowercase.
 * @example snakeCase("myTestDB") // "my_test_db"
 */
export function snakeCase(name: string): string {
  const words = name.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== "")
  return words
    .map((word) => {
      let out = ""
      let prevUpper = true
      for (const ch of word) {
        const upper = ch !== ch.toLowerCase() && ch === ch.toUpperCase()
        if (upper && !prevUpper && out !== "") out += "_"
        out += ch.toLowerCase()
        prevUpper = upper
      }
      return out
    })
    .join("_")
}
