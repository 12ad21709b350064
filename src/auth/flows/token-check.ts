/**
 * @module
 * Checks a flow token (verification, password reset, email change) as PocketBase's forms do:
 * the right kind, signed with the record's current key and that kind's secret, unexpired, and
 * issued for this collection. Errors are the field errors its forms report under `token`.
 */
import { fieldError, type FieldError } from "../../core/errors.ts"
import type { AuthContext, Collection } from "../../core/types.ts"
import { identifyToken } from "../identify.ts"
import type { TokenType } from "../tokens.ts"
import type { FlowDeps } from "./deps.ts"

export const invalidToken = (): FieldError => fieldError("validation_invalid_token", "Invalid or expired token.")

/** The token's record, or the field error to report. */
export function checkFlowToken(deps: Pick<FlowDeps, "collections" | "records">, collection: Collection, token: string, type: TokenType): AuthContext | FieldError {
  const found = identifyToken(token, {
    findCollection: (id) => deps.collections.find(id),
    findRecord: (c, id) => deps.records.findById(c, id),
  }, { type })
  if (!found) return invalidToken()
  if (found.collection.id !== collection.id) {
    return fieldError("validation_token_collection_mismatch", "The provided token is for different auth collection.")
  }
  return found
}

/** Narrows a check result. */
export const isFieldError = (value: AuthContext | FieldError): value is FieldError => "code" in value
