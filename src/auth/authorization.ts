/**
 * @module
 * Reads the auth token from an `Authorization` header value, as PocketBase does.
 */

const BEARER = "bearer "

/**
 * Returns the token carried by an `Authorization` header value, or `""` when there is none.
 * The JS SDK sends the raw token; a case-insensitive `Bearer ` prefix is stripped only when the
 * value is longer than the prefix itself, so a bare `"Bearer "` stays as it is (and fails later).
 *
 * @example tokenFromAuthorization("Bearer eyJ...") // "eyJ..."
 */
export function tokenFromAuthorization(value: string | null | undefined): string {
  if (!value) return ""
  if (value.length > BEARER.length && value.slice(0, BEARER.length).toLowerCase() === BEARER) {
    return value.slice(BEARER.length)
  }
  return value
}
