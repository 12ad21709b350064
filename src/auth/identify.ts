/**
 * @module
 * Resolves a request's token into an auth context. Anything wrong with the token (malformed,
 * expired, forged, wrong type, deleted record) makes the request a guest, never an error.
 */
import type { AuthContext, Collection } from "../core/types.ts"
import { decodeUnverified, signingKey, verify, type TokenType } from "./tokens.ts"

/** What identification needs from the records layer. */
export interface AuthRecordSource {
  findCollection(idOrName: string): Collection | undefined
  findRecord(collection: Collection, id: string): Record<string, unknown> | null
}

/** The auth context for a raw token, or null (guest). */
export function identify(token: string, source: AuthRecordSource, now = Date.now()): AuthContext | null {
  return identifyToken(token, source, { type: "auth", now })
}

/** The collection option holding each token kind's secret. */
const SECRET_OPTION: Readonly<Record<TokenType, string>> = {
  auth: "authToken",
  file: "fileToken",
  verification: "verificationToken",
  passwordReset: "passwordResetToken",
  emailChange: "emailChangeToken",
}

/**
 * The auth context for a token of the given kind: `auth` tokens authenticate requests, `file`
 * tokens (`?token=` on protected files), verification, password reset and email change tokens
 * are each checked with their own collection secret, so one kind never passes as another.
 */
export function identifyToken(token: string, source: AuthRecordSource, options: { type: TokenType; now?: number }): AuthContext | null {
  const now = options.now ?? Date.now()
  if (token === "") return null
  const claims = decodeUnverified(token)
  if (!claims || claims.type !== options.type) return null
  const collection = source.findCollection(claims.collectionId)
  if (!collection || collection.type !== "auth" || collection.id !== claims.collectionId) return null
  const record = source.findRecord(collection, claims.id)
  if (!record) return null
  const option = collection[SECRET_OPTION[options.type]]
  const secret = (option as { secret?: string } | undefined)?.secret ?? ""
  if (!verify(token, signingKey(String(record.tokenKey ?? ""), secret), now)) return null
  return { record, collection }
}
