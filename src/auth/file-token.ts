/**
 * @module
 * File tokens (`POST /api/files/token`): short-lived tokens a client appends as `?token=` to reach
 * protected files, signed with the record's `tokenKey` and its collection's `fileToken` secret.
 */
import type { Collection, RecordData } from "../core/types.ts"
import { signFileToken } from "./tokens.ts"

/** Issues a file token for an authenticated record, with its collection's `fileToken` options. */
export function issueFileToken(collection: Collection, record: RecordData): string {
  const options = collection.fileToken as { secret: string; duration: number }
  return signFileToken(
    { id: String(record.id), collectionId: collection.id, tokenKey: String(record.tokenKey) },
    { secret: options.secret, duration: options.duration },
  )
}
