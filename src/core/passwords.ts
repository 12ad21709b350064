/**
 * @module
 * bcrypt password hashing through `Bun.password`, interchangeable with PocketBase's Go bcrypt:
 * we verify PocketBase's `$2a$10$...` hashes and it verifies our `$2b$10$...` ones
 * (checked against the reference server in `pocketbase-interop.test.ts`).
 */

/** PocketBase's bcrypt cost for password fields whose `cost` option is 0 (the default). */
export const BCRYPT_DEFAULT_COST = 10

/** bcrypt reads at most this many bytes of a password. */
export const BCRYPT_MAX_BYTES = 72

/**
 * A bcrypt hash of a random string nobody knows, at the default cost, so {@link dummyVerify}
 * takes as long as a real comparison.
 */
const DUMMY_HASH = "$2b$10$F7WGuJCvn5.U0L1831X5ZOhveLK2RShYWAcM5RxcvJ6ggfUl4V6.q"

const encoder = new TextEncoder()

/** Thrown by {@link hashPassword} for passwords bcrypt cannot hold (more than 72 UTF-8 bytes). */
export class PasswordTooLongError extends Error {
  constructor() {
    super(`password exceeds ${BCRYPT_MAX_BYTES} bytes`)
  }
}

/**
 * Hashes `password` with bcrypt. Like Go's bcrypt, refuses passwords over 72 bytes rather than
 * hashing them: `Bun.password` would pre-hash such input with SHA-512, which PocketBase cannot verify.
 */
export async function hashPassword(password: string, cost: number = BCRYPT_DEFAULT_COST): Promise<string> {
  const bytes = encoder.encode(password)
  if (bytes.length > BCRYPT_MAX_BYTES) throw new PasswordTooLongError()
  return Bun.password.hash(bytes, { algorithm: "bcrypt", cost: cost || BCRYPT_DEFAULT_COST })
}

/** {@link hashPassword} for synchronous call sites (it blocks the thread for the whole hash). */
export function hashPasswordSync(password: string, cost: number = BCRYPT_DEFAULT_COST): string {
  const bytes = encoder.encode(password)
  if (bytes.length > BCRYPT_MAX_BYTES) throw new PasswordTooLongError()
  return Bun.password.hashSync(bytes, { algorithm: "bcrypt", cost: cost || BCRYPT_DEFAULT_COST })
}

/**
 * True when `password` matches the bcrypt `hash`. Never throws: an empty or malformed hash is a mismatch.
 * Input past 72 bytes is cut off, matching Go's bcrypt, which ignores it (`Bun.password` would
 * otherwise pre-hash it with SHA-512 and reject a password PocketBase accepts).
 */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (typeof password !== "string" || typeof hash !== "string" || !hash.startsWith("$2")) return false
  const bytes = encoder.encode(password)
  try {
    return await Bun.password.verify(bytes.subarray(0, BCRYPT_MAX_BYTES), hash, "bcrypt")
  } catch {
    return false
  }
}

/**
 * Spends the time of one default-cost comparison and discards the result. Call it when the
 * identity was not found, so response timing does not reveal which identities exist.
 */
export async function dummyVerify(password = ""): Promise<void> {
  // `Bun.password` rejects an empty password immediately, which would defeat the point.
  await verifyPassword(password || "-", DUMMY_HASH)
}
