/**
 * @module
 * Cryptographically random strings for token keys, collection secrets and similar values.
 */

/** `[a-zA-Z0-9]`, the alphabet of PocketBase's `tokenKey` and token secrets. */
export const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/** Length of a freshly generated record `tokenKey` (valid range 30–60). */
export const TOKEN_KEY_LENGTH = 50

/** Length of a freshly generated collection token secret (valid range 30–255). */
export const TOKEN_SECRET_LENGTH = 50

/**
 * Returns `length` characters drawn uniformly from `alphabet` using `crypto.getRandomValues`.
 * Bytes that would bias the modulo are rejected and redrawn.
 *
 * @example randomString(15, "abcdefghijklmnopqrstuvwxyz0123456789") // a record id
 */
export function randomString(length: number, alphabet: string = ALPHANUMERIC): string {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`invalid length: ${length}`)
  const size = alphabet.length
  if (size < 1 || size > 256) throw new RangeError("alphabet must have 1–256 characters")
  // Largest multiple of `size` that fits in a byte; bytes at or above it would favour low indexes.
  const limit = 256 - (256 % size)
  let out = ""
  const buf = new Uint8Array(Math.max(16, Math.ceil(length * 1.25)))
  while (out.length < length) {
    crypto.getRandomValues(buf)
    for (let i = 0; i < buf.length && out.length < length; i++) {
      const byte = buf[i]!
      if (byte < limit) out += alphabet[byte % size]
    }
  }
  return out
}

// Random words are drawn in bulk: one call to the generator serves many draws (record ids draw
// fifteen, and a call per draw was most of an id's cost).
const pool = new Uint32Array(256)
let poolIndex = pool.length

function randomWord(): number {
  if (poolIndex === pool.length) {
    crypto.getRandomValues(pool)
    poolIndex = 0
  }
  return pool[poolIndex++]!
}

/** A uniformly random integer in `[0, n)` (rejection sampling, no modulo bias). */
export function randomInt(n: number): number {
  if (n <= 1) return 0
  const limit = Math.floor(0x1_0000_0000 / n) * n
  let word = randomWord()
  while (word >= limit) word = randomWord()
  return word % n
}

/** A new record `tokenKey`: 50 random alphanumeric characters. */
export const newTokenKey = (): string => randomString(TOKEN_KEY_LENGTH)

/** A new collection token secret: 50 random alphanumeric characters. */
export const newTokenSecret = (): string => randomString(TOKEN_SECRET_LENGTH)
