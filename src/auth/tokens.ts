/**
 * @module
 * PocketBase's record tokens: HS256 JWTs signed with `record.tokenKey + secret`, where the secret
 * belongs to the collection option of the token's kind (`authToken`, `verificationToken`, ...).
 * Changing either half invalidates every token signed with it.
 */
import { decodeJwt, encodeJwt, hasValidSignature } from "./jwt.ts"

/** The `type` claim of each kind of record token. */
export type TokenType = "auth" | "verification" | "passwordReset" | "emailChange" | "file"

/** Default `authToken.duration` of regular auth collections, in seconds (5 days). */
export const AUTH_TOKEN_DURATION = 432_000
/** Default `authToken.duration` of `_superusers`, in seconds (1 day). */
export const SUPERUSER_AUTH_TOKEN_DURATION = 86_400
/** Default `passwordResetToken.duration`, in seconds (30 minutes). */
export const PASSWORD_RESET_TOKEN_DURATION = 1_800
/** Default `emailChangeToken.duration`, in seconds (30 minutes). */
export const EMAIL_CHANGE_TOKEN_DURATION = 1_800
/** Default `verificationToken.duration`, in seconds (1 day). */
export const VERIFICATION_TOKEN_DURATION = 86_400
/** Default `fileToken.duration`, in seconds (3 minutes). */
export const FILE_TOKEN_DURATION = 180

/** Default duration of each token kind for non-superuser collections, in seconds. */
export const DEFAULT_TOKEN_DURATIONS: Readonly<Record<TokenType, number>> = Object.freeze({
  auth: AUTH_TOKEN_DURATION,
  verification: VERIFICATION_TOKEN_DURATION,
  passwordReset: PASSWORD_RESET_TOKEN_DURATION,
  emailChange: EMAIL_CHANGE_TOKEN_DURATION,
  file: FILE_TOKEN_DURATION,
})

/** Claims every record token carries; kind-specific claims (`refreshable`, `email`, ...) sit beside them. */
export interface TokenClaims {
  id: string
  type: string
  collectionId: string
  /** Expiry in unix seconds; always present on verified tokens. */
  exp?: number
  [claim: string]: unknown
}

/** The record a token is about: its id, collection and current `tokenKey`. */
export interface TokenSubject {
  id: string
  collectionId: string
  tokenKey: string
}

/** Where a token's secret and lifetime come from, plus an optional clock. */
export interface SignOptions {
  /** The collection's secret for this token kind (e.g. `authToken.secret`). */
  secret: string
  /** Lifetime in seconds. @default the kind's entry in {@link DEFAULT_TOKEN_DURATIONS} */
  duration?: number
  /** Current time in unix milliseconds. @default Date.now() */
  now?: number
}

/** The HMAC key of a record's tokens: the record's `tokenKey` followed by the collection secret. */
export const signingKey = (tokenKey: string, secret: string): string => tokenKey + secret

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value !== ""

/**
 * Reads a token's claims without checking its signature, so the caller can find the record
 * whose key verifies it. Requires non-empty string `id`, `collectionId` and `type`.
 * Returns `null` for anything else and never throws, whatever the input.
 */
export function decodeUnverified(token: unknown): TokenClaims | null {
  const payload = decodeJwt(token)?.payload
  if (!payload || !nonEmpty(payload.id) || !nonEmpty(payload.collectionId) || !nonEmpty(payload.type)) {
    return null
  }
  return payload as TokenClaims
}

/**
 * Returns the claims of `token` when its HS256 signature matches `key` and it has not expired,
 * otherwise `null`. The caller still checks `type` and that the record matches `id`/`collectionId`.
 * A token is expired once `now >= exp` (golang-jwt's rule); tokens without a numeric `exp` are
 * rejected, and so are tokens whose `nbf` lies in the future.
 *
 * @param now current time in unix milliseconds
 * @example
 * const claims = decodeUnverified(token)          // who does it claim to be?
 * const record = loadRecord(claims.collectionId, claims.id)
 * verify(token, signingKey(record.tokenKey, collection.authToken.secret))
 */
export function verify(token: unknown, key: string, now: number = Date.now()): TokenClaims | null {
  const decoded = decodeJwt(token)
  if (!decoded || !hasValidSignature(decoded, key)) return null
  const { payload } = decoded
  if (!nonEmpty(payload.id) || !nonEmpty(payload.collectionId) || !nonEmpty(payload.type)) return null
  const { exp, nbf } = payload
  if (typeof exp !== "number" || !Number.isFinite(exp) || now >= exp * 1000) return null
  if (nbf !== undefined && (typeof nbf !== "number" || now < nbf * 1000)) return null
  return payload as TokenClaims
}

/** Signs `claims` (which must not contain `exp`) for `subject`'s record with the given token kind. */
function signRecordToken(
  type: TokenType,
  subject: TokenSubject,
  claims: Record<string, unknown>,
  options: SignOptions,
): string {
  const duration = options.duration ?? DEFAULT_TOKEN_DURATIONS[type]
  const now = options.now ?? Date.now()
  const payload = {
    ...claims,
    id: subject.id,
    type,
    collectionId: subject.collectionId,
    // Whole seconds, like PocketBase's `time.Now().Add(duration).Unix()`.
    exp: Math.floor(now / 1000) + duration,
  }
  return encodeJwt(payload, signingKey(subject.tokenKey, options.secret))
}

/**
 * Issues an auth token. `refreshable` (default true) lets auth-refresh mint a new token from it;
 * impersonation tokens set it to false.
 */
export const signAuthToken = (subject: TokenSubject, options: SignOptions & { refreshable?: boolean }): string =>
  signRecordToken("auth", subject, { refreshable: options.refreshable ?? true }, options)

/** Issues an email verification token for the record's current `email`. */
export const signVerificationToken = (subject: TokenSubject & { email: string }, options: SignOptions): string =>
  signRecordToken("verification", subject, { email: subject.email }, options)

/** Issues a password reset token for the record's current `email`. */
export const signPasswordResetToken = (subject: TokenSubject & { email: string }, options: SignOptions): string =>
  signRecordToken("passwordReset", subject, { email: subject.email }, options)

/** Issues an email change token carrying the current `email` and the requested `newEmail`. */
export const signEmailChangeToken = (
  subject: TokenSubject & { email: string; newEmail: string },
  options: SignOptions,
): string => signRecordToken("emailChange", subject, { email: subject.email, newEmail: subject.newEmail }, options)

/** Issues a short-lived token that grants access to protected files. */
export const signFileToken = (subject: TokenSubject, options: SignOptions): string =>
  signRecordToken("file", subject, {}, options)
