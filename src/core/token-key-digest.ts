/**
 * @module
 * Auth records and collections travel between processes (through the realtime broker) without
 * their secrets: `tokenKey` and token secrets are replaced by digests, which still tell whether
 * they changed, and the password hash is dropped. Together with the collection secret, a raw `tokenKey` would let anyone who can read
 * the broker sign tokens for that user.
 */
import type { Collection, RecordData } from "./types.ts"

const PREFIX = "sha256:"

/** The digest form of a token key; already-digested values pass through. */
export function tokenKeyDigest(tokenKey: unknown): string | undefined {
  if (typeof tokenKey !== "string") return undefined
  if (tokenKey.startsWith(PREFIX)) return tokenKey
  return PREFIX + new Bun.CryptoHasher("sha256").update(tokenKey).digest("hex")
}

/** A copy of a collection fit to leave the process: every token secret digested. */
export function redactCollection(collection: Collection): Collection {
  const copy: Collection = { ...collection }
  for (const [key, value] of Object.entries(collection)) {
    if (value && typeof value === "object" && !Array.isArray(value) && typeof (value as { secret?: unknown }).secret === "string") {
      copy[key] = { ...value, secret: tokenKeyDigest((value as { secret: string }).secret) }
    }
  }
  return copy
}

/** A copy of an auth record fit to leave the process: no password, digested tokenKey. */
export function redactAuthRecord(record: RecordData): RecordData {
  const { password: _password, ...rest } = record
  return { ...rest, tokenKey: tokenKeyDigest(record.tokenKey) }
}
