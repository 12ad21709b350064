/**
 * @module
 * Identifier generators and PocketBase's deterministic default ids.
 */
import { randomString } from "./random.ts"

const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"

/** A new 15-character record id of `[a-z0-9]`, as PocketBase generates them. */
export const newRecordId = (): string => randomString(15, LOWER_ALNUM)

/** CRC-32 (IEEE) of a UTF-8 string, the checksum PocketBase derives default ids from. */
export function crc32(text: string): number {
  return Bun.hash.crc32(text) >>> 0
}

/** Default collection id: `pbc_` + crc32(type + name), e.g. auth `_superusers` → `pbc_3142635823`. */
export function defaultCollectionId(type: string, name: string): string {
  return `pbc_${crc32(type + name)}`
}
