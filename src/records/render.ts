/**
 * @module
 * Record JSON as the API returns it: non-hidden fields plus `collectionId`/`collectionName`;
 * `password` and `tokenKey` never; `email` only where visibility allows.
 */
import type { Collection, RecordData } from "../core/types.ts"

/** Who is looking, as far as visibility is concerned. */
export interface Visibility {
  /** Superusers see hidden fields. */
  showHidden: boolean
  /** The requester is the record itself, a manager, a superuser, or this is an auth response. */
  showEmail: boolean
}

const NEVER_OUTPUT = new Set(["password", "tokenKey"])

/** Renders one record for the wire. */
export function recordJSON(collection: Collection, record: RecordData, visibility: Visibility): Record<string, unknown> {
  const output: Record<string, unknown> = { collectionId: collection.id, collectionName: collection.name }
  const isAuth = collection.type === "auth"
  for (const field of collection.fields) {
    if (isAuth && (field.type === "password" || NEVER_OUTPUT.has(field.name))) continue
    if (field.hidden && !visibility.showHidden) continue
    if (!(field.name in record)) continue
    // PocketBase renders a visible password field of a base collection as "" (checked on v0.40.6).
    output[field.name] = field.type === "password" ? "" : record[field.name]
  }
  if (isAuth && !visibility.showEmail && record.emailVisibility !== true) delete output.email
  if (record.expand !== undefined) output.expand = record.expand
  return output
}
