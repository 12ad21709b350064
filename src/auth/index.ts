/**
 * @module
 * Auth primitives that need no database: record tokens, password hashing, header parsing,
 * random secrets and login throttling. Loading records and issuing responses live elsewhere.
 */
export { tokenFromAuthorization } from "./authorization.ts"
export {
  BCRYPT_DEFAULT_COST,
  BCRYPT_MAX_BYTES,
  PasswordTooLongError,
  dummyVerify,
  hashPassword,
  verifyPassword,
} from "../core/passwords.ts"
export {
  ALPHANUMERIC,
  TOKEN_KEY_LENGTH,
  TOKEN_SECRET_LENGTH,
  newTokenKey,
  newTokenSecret,
  randomString,
} from "../core/random.ts"
export {
  DEFAULT_THROTTLE_CONFIG,
  LoginThrottle,
  type LoginAttempt,
  type ThrottleConfig,
  type ThrottleDecision,
} from "./throttle.ts"
export {
  AUTH_TOKEN_DURATION,
  DEFAULT_TOKEN_DURATIONS,
  EMAIL_CHANGE_TOKEN_DURATION,
  FILE_TOKEN_DURATION,
  PASSWORD_RESET_TOKEN_DURATION,
  SUPERUSER_AUTH_TOKEN_DURATION,
  VERIFICATION_TOKEN_DURATION,
  decodeUnverified,
  signAuthToken,
  signEmailChangeToken,
  signFileToken,
  signPasswordResetToken,
  signVerificationToken,
  signingKey,
  verify,
  type SignOptions,
  type TokenClaims,
  type TokenSubject,
  type TokenType,
} from "./tokens.ts"
