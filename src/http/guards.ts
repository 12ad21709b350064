/**
 * @module
 * Route guards for endpoints that require authentication.
 */
import { ApiError } from "../core/errors.ts"
import { isSuperuser, type AuthContext } from "../core/types.ts"

/** Throws 401 for guests and 403 for non-superusers, as the collections API answers. */
export function requireSuperuser(auth: AuthContext | null): AuthContext {
  if (!auth) throw new ApiError(401, "The request requires valid record authorization token.")
  if (!isSuperuser(auth)) throw new ApiError(403, "The authorized record is not allowed to perform this action.")
  return auth
}
