/**
 * @module
 * PocketBase's stored file names: `snake_case(base name)` + `_` + 10 random `[a-z0-9]` + a
 * sanitized extension, e.g. `My Photo.TXT` → `my_photo_k2ab8kehtc.TXT`.
 * @see https://github.com/pocketbase/pocketbase/blob/master/tools/filesystem/file.go (normalizeName)
 */
import { randomString } from "../core/random.ts"

const RANDOM_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
// Go's `\w` is ASCII-only, so PocketBase splits at every other character, letters with accents included.
const SNAKE_SPLIT = /[^A-Za-z0-9]+/
const EXT_INVALID = /[^A-Za-z0-9_.*\-+=#]+/g

/**
 * PocketBase's `inflector.Snakecase`: split at anything but ASCII letters and digits, `_` before an
 * upper-case letter that follows a non-upper-case one, lower-cased.
 * @example fileSnakeCase("myTestDB file") // "my_test_db_file"
 */
export function fileSnakeCase(text: string): string {
  const words = text.split(SNAKE_SPLIT).filter((w) => w !== "")
  return words
    .map((word) => {
      let out = ""
      for (let i = 0; i < word.length; i++) {
        const ch = word[i]!
        const upper = ch >= "A" && ch <= "Z"
        const prevUpper = i > 0 && word[i - 1]! >= "A" && word[i - 1]! <= "Z"
        if (upper && i > 0 && !prevUpper) out += "_"
        out += ch
      }
      return out
    })
    .join("_")
    .toLowerCase()
}

/**
 * The extension with its dot, supporting double extensions as PocketBase does: the text from the
 * second-to-last dot when there is one (`a.tar.gz` → `.tar.gz`, `a.b.c` → `.b.c`), else from the last.
 */
export function extractExtension(name: string): string {
  const primary = name.lastIndexOf(".")
  if (primary === -1) return ""
  const secondary = name.lastIndexOf(".", primary - 1)
  return secondary >= 0 && primary > 0 ? name.slice(secondary) : name.slice(primary)
}

/**
 * The name a new upload is stored under. `detectedExtension` (from the content's mime type) is
 * used when the original name has no usable extension.
 */
export function storedFileName(originalName: string, detectedExtension: string): string {
  const originalExt = extractExtension(originalName)
  let ext = originalExt.replace(EXT_INVALID, "")
  if (ext === "") ext = detectedExtension
  if (ext.length > 20) ext = "." + ext.slice(-20)
  let base = fileSnakeCase(originalName.slice(0, originalName.length - originalExt.length))
  if (base.length < 3) base += randomString(10, RANDOM_ALPHABET)
  else if (base.length > 100) base = base.slice(0, 100)
  return `${base}_${randomString(10, RANDOM_ALPHABET)}${ext}`
}
