/**
 * @module
 * Finding the auth record a login names: PocketBase looks an identity up only in fields that have
 * a single-column UNIQUE index, and matches case-insensitively only when that index column is
 * `COLLATE NOCASE`.
 */
import type { Collection, RecordData } from "../core/types.ts"

/** What identity lookup needs from the records layer. */
export interface IdentitySource {
  /** Rows of `collection` matching a WHERE clause built here (one `?` parameter). */
  findWhere(collection: Collection, whereSql: string, params: string[]): RecordData[]
}

/** A single-column UNIQUE index on some field. */
export interface UniqueColumn {
  /** The column's collation, upper-cased (`""` when none is given). */
  collate: string
}

const UNIQUE_INDEX = /^\s*CREATE\s+UNIQUE\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?[^\s(]+\s+ON\s+[^\s(]+\s*\(([\s\S]*?)\)\s*(?:WHERE\s[\s\S]*)?;?\s*$/i

// ozzo-validation's `is.EmailFormat`, which PocketBase uses to decide whether to try `email` first.
const EMAIL_FORMAT = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

/** Whether `value` looks like an email address the way PocketBase's login decides it. */
export const isEmailFormat = (value: string): boolean => value.length <= 254 && EMAIL_FORMAT.test(value)

/** The single-column UNIQUE index on `field` among `indexes`, or null when there is none. */
export function findSingleColumnUniqueIndex(indexes: readonly string[], field: string): UniqueColumn | null {
  for (const index of indexes) {
    const columns = UNIQUE_INDEX.exec(index)?.[1]
    if (columns === undefined || columns.includes(",")) continue
    const parts = /^\s*([`"[]?)(\w+)[`"\]]?\s*(?:COLLATE\s+(\w+))?\s*(?:ASC|DESC)?\s*$/i.exec(columns)
    if (parts && parts[2] === field) return { collate: (parts[3] ?? "").toUpperCase() }
  }
  return null
}

/** The record whose `field` equals `identity`, or null (also when `field` has no unique index). */
export function findByIdentityField(source: IdentitySource, collection: Collection, field: string, identity: string): RecordData | null {
  const index = findSingleColumnUniqueIndex(collection.indexes, field)
  if (!index || !/^\w+$/.test(field)) return null
  const collate = index.collate === "NOCASE" ? " COLLATE NOCASE" : ""
  return source.findWhere(collection, `\`${field}\` = ?${collate} LIMIT 1`, [identity])[0] ?? null
}

/**
 * PocketBase's identity resolution: the requested `identityField` only; otherwise `email` first
 * when the identity is email-shaped, then the other identity fields in their configured order.
 */
export function findByIdentity(source: IdentitySource, collection: Collection, identityFields: readonly string[], identity: string, identityField = ""): RecordData | null {
  if (identityField !== "") return findByIdentityField(source, collection, identityField, identity)
  const email = isEmailFormat(identity)
  if (email && identityFields.includes("email")) {
    const found = findByIdentityField(source, collection, "email", identity)
    if (found) return found
  }
  for (const field of identityFields) {
    if (field === "email" && !email) continue
    const found = findByIdentityField(source, collection, field, identity)
    if (found) return found
  }
  return null
}
