/**
 * @module
 * PocketBase's stored file names: the last path segment of the sent name, `snake_case(base name)`
 * + `_` + 10 random `[a-z0-9]` + a sanitized extension, e.g. `My Photo.TXT` →
 * `my_photo_k2ab8kehtc.TXT`, `../../etc/passwd` → `passwd_k2ab8kehtc.txt`.
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

/** At most this many trailing bytes of a sent name are looked at (long names cost no more). */
const MAX_NAME_BYTES = 300
const MAX_EXT_LENGTH = 20
const MAX_BASE_LENGTH = 100

/**
 * The last path segment, as Go's multipart reader reduces an upload's file name (forward slashes
 * only: `../../etc/passwd` → `passwd`, `dir/` → `dir`; backslashes are ordinary characters).
 */
export function lastPathSegment(name: string): string {
  const trimmed = name.replace(/\/+$/, "")
  if (trimmed === "") return name === "" ? "." : "/"
  return trimmed.slice(trimmed.lastIndexOf("/") + 1)
}

const trimDots = (text: string): string => text.replace(/^\.+|\.+$/g, "")

// Keeps the last `max` UTF-8 bytes; a character cut in half decodes to U+FFFD, which no later
// step keeps (it is neither a word character nor allowed in an extension).
function lastBytes(text: string, max: number): string {
  const bytes = Buffer.from(text, "utf8")
  return bytes.byteLength > max ? bytes.subarray(bytes.byteLength - max).toString("utf8") : text
}

/**
 * The name a new upload is stored under. `detectedExtension` (from the content's mime type) is
 * used when the original name has no usable extension.
 * @example storedFileName("../../etc/passwd", ".txt") // "passwd_k2ab8kehtc.txt"
 */
export function storedFileName(originalName: string, detectedExtension: string): string {
  const name = lastBytes(lastPathSegment(originalName), MAX_NAME_BYTES)
  const originalExt = extractExtension(name)
  let ext = "." + trimDots(originalExt.replace(EXT_INVALID, ""))
  if (ext === ".") ext = detectedExtension
  if (ext.length > MAX_EXT_LENGTH) ext = "." + trimDots(ext.slice(-MAX_EXT_LENGTH))
  let base = fileSnakeCase(trimDots(name.slice(0, name.length - originalExt.length)))
  if (base.length < 3) base += randomString(10, RANDOM_ALPHABET)
  else if (base.length > MAX_BASE_LENGTH) base = base.slice(0, MAX_BASE_LENGTH)
  return `${base}_${randomString(10, RANDOM_ALPHABET)}${ext}`
}
