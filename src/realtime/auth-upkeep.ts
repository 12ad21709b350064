/**
 * @module
 * Auth upkeep: keeping the auth bound to clients in step with the database (auth record updated
 * or deleted, tokenKey rotated, token secret changed, auth collection deleted). Clients are never
 * disconnected here: a stale identity is refreshed or dropped to guest, and the next POST may
 * bind auth again.
 */
import type { Collection, RecordData } from "../core/types.ts"
import type { Client } from "./client.ts"
import { tokenKeyDigest } from "../core/token-key-digest.ts"
import type { CollectionChangeEvent } from "./events.ts"

function boundTo(client: Client, collectionName: string, recordId: unknown): boolean {
  const auth = client.auth
  return auth !== null && auth.collection.name === collectionName && auth.record.id === recordId
}

/**
 * After an auth record update: clients bound to it get the new record, unless its `tokenKey`
 * changed (password change, "log out everywhere"), which demotes them to guest.
 * Returns how many clients were touched.
 */
export function refreshAuthRecord(clients: Iterable<Client>, collection: Collection, record: RecordData): number {
  let touched = 0
  for (const client of clients) {
    if (!boundTo(client, collection.name, record.id)) continue
    // Events carry a digest of the key (see core/token-key-digest.ts); compare digests.
    const previousKey = tokenKeyDigest(client.auth!.record.tokenKey)
    const nextKey = tokenKeyDigest(record.tokenKey)
    const keyChanged = previousKey !== undefined && nextKey !== undefined && previousKey !== nextKey
    client.auth = keyChanged ? null : { record, collection }
    touched++
  }
  return touched
}

/** After an auth record delete: clients bound to it become guests (and keep their subscriptions). */
export function demoteAuthRecord(clients: Iterable<Client>, collection: Pick<Collection, "name">, recordId: unknown): number {
  let touched = 0
  for (const client of clients) {
    if (!boundTo(client, collection.name, recordId)) continue
    client.auth = null
    touched++
  }
  return touched
}

/** Every client authenticated through the collection becomes a guest. */
function demoteAuthCollection(clients: Iterable<Client>, collectionId: string): number {
  let touched = 0
  for (const client of clients) {
    if (client.auth?.collection.id !== collectionId) continue
    client.auth = null
    touched++
  }
  return touched
}

/** Every client authenticated through the collection whose token secret changed, or which was deleted, becomes a guest. */
export function applyCollectionChange(clients: Iterable<Client>, change: CollectionChangeEvent): number {
  if (change.collection.type !== "auth" && !(change.action === "update" && change.previous.type === "auth")) return 0
  if (change.action === "update" && !authSecretChanged(change.previous, change.collection)) return 0
  return demoteAuthCollection(clients, change.collection.id)
}

/** The collection's auth-token secret, if it has one (`authToken.secret`). */
function tokenSecret(collection: Collection): unknown {
  const authToken = collection.authToken as { secret?: unknown } | undefined
  return authToken?.secret
}

/** Whether an auth collection update invalidates every token of the collection. */
function authSecretChanged(previous: Collection, next: Collection): boolean {
  return next.type === "auth" && tokenSecret(previous) !== tokenSecret(next)
}
