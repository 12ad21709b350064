/**
 * @module
 * What the auth flows (verification, password reset, email change, OTP, MFA, alerts) need from
 * the rest of the app, and the record helpers they share: finding a record by email as
 * PocketBase does, reading a token option, saving a changed auth record.
 */
import { nowDateTime } from "../../core/clock.ts"
import type { Collection, RecordData } from "../../core/types.ts"
import type { CollectionRegistry } from "../../records/collections.ts"
import type { RecordRepository } from "../../records/repository.ts"
import type { RecordLifecycle } from "../../records/record-lifecycle.ts"
import type { RuleEvaluator } from "../../records/access.ts"
import type { Mailer, MailSettings } from "../../mail/index.ts"
import { findSingleColumnUniqueIndex } from "../identity-lookup.ts"
import type { TokenSubject } from "../tokens.ts"

/** The services the flows use. */
export interface FlowDeps {
  collections: CollectionRegistry
  records: RecordRepository
  rules: RuleEvaluator
  /** Every record write goes through the record hooks (realtime events included). */
  recordLifecycle: RecordLifecycle
  mailer: Mailer
  mailSettings: () => Readonly<MailSettings>
  /** Runs a write made outside any request (after a background send) where requests' writes may run. */
  backgroundWrite: (work: () => void) => Promise<void>
}

/** A collection's `{secret, duration}` token option (`verificationToken`, ...). */
export function tokenOption(collection: Collection, name: string): { secret: string; duration: number } {
  const option = collection[name] as { secret?: string; duration?: number } | undefined
  return { secret: option?.secret ?? "", duration: option?.duration ?? 0 }
}

/** The record's identity for signing its tokens. */
export const tokenSubject = (collection: Collection, record: RecordData): TokenSubject & { email: string } => ({
  id: String(record.id),
  collectionId: collection.id,
  tokenKey: String(record.tokenKey ?? ""),
  email: String(record.email ?? ""),
})

/** The record with this email: case-insensitive when its unique index is `COLLATE NOCASE`, as in PocketBase. */
export function findAuthRecordByEmail(records: RecordRepository, collection: Collection, email: string): RecordData | null {
  const index = findSingleColumnUniqueIndex(collection.indexes, "email")
  const collate = index?.collate === "NOCASE" ? " COLLATE NOCASE" : ""
  return records.findWhere(collection, `\`email\` = ?${collate} LIMIT 1`, [email])[0] ?? null
}

/** Writes `changes` over the stored record (touching `updated`) through the record hooks, so the usual update event goes out. */
export function saveAuthRecord(lifecycle: RecordLifecycle, collection: Collection, stored: RecordData, changes: RecordData): RecordData {
  const next: RecordData = { ...stored, ...changes }
  const now = nowDateTime()
  for (const field of collection.fields) if (field.type === "autodate" && field.onUpdate) next[field.name] = now
  return lifecycle.update(collection, next, stored)
}
