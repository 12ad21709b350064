/**
 * @module
 * Minimal HS256 JSON Web Tokens: encode, decode without trusting, and verify.
 * Knows nothing about records; `tokens.ts` adds PocketBase's claims on top.
 */
import { createHmac, timingSafeEqual } from "node:crypto"

/** The only header we issue or accept, in the key order PocketBase (golang-jwt) writes it. */
export const JWT_HEADER = { alg: "HS256", typ: "JWT" } as const

/**
 * Tokens longer than this are rejected before any parsing. Real tokens are a few hundred bytes;
 * the cap keeps hostile headers from costing JSON parses of megabytes.
 */
export const MAX_TOKEN_LENGTH = 8192

const ENCODED_HEADER = Buffer.from(JSON.stringify(JWT_HEADER)).toString("base64url")
/** Unpadded base64url, as JWT segments use. `Buffer` would silently skip other characters. */
const SEGMENT = /^[A-Za-z0-9_-]+$/
/** An HMAC-SHA256 digest is 32 bytes, i.e. 43 unpadded base64url characters. */
const SIGNATURE_LENGTH = 43

/** A decoded, untrusted JWT split into its parts. */
export interface DecodedJwt {
  header: Record<string, unknown>
  payload: Record<string, unknown>
  signingInput: string
  signature: string
}

const hmac = (key: string, input: string): Buffer => createHmac("sha256", key).update(input).digest()

/** Serializes `payload` with sorted keys (like Go's map encoding) and signs it with HS256. */
export function encodeJwt(payload: Record<string, unknown>, key: string): string {
  const sorted: Record<string, unknown> = {}
  for (const name of Object.keys(payload).sort()) sorted[name] = payload[name]
  const signingInput = `${ENCODED_HEADER}.${Buffer.from(JSON.stringify(sorted)).toString("base64url")}`
  return `${signingInput}.${hmac(key, signingInput).toString("base64url")}`
}

function parseSegment(segment: string): Record<string, unknown> | null {
  if (!SEGMENT.test(segment) || segment.length % 4 === 1) return null
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"))
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

/** Splits and parses a JWT without checking its signature; `null` for anything malformed. Never throws. */
export function decodeJwt(token: unknown): DecodedJwt | null {
  if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null
  const parts = token.split(".")
  if (parts.length !== 3) return null
  const [rawHeader, rawPayload, signature] = parts as [string, string, string]
  const header = parseSegment(rawHeader)
  if (!header) return null
  const payload = parseSegment(rawPayload)
  if (!payload) return null
  return { header, payload, signingInput: `${rawHeader}.${rawPayload}`, signature }
}

/**
 * True when `decoded` carries an HS256 header and a signature made with `key`.
 * The comparison is constant-time over the 32 digest bytes.
 */
export function hasValidSignature(decoded: DecodedJwt, key: string): boolean {
  // Only HS256: this rules out `alg: "none"` and algorithm-confusion tricks.
  if (decoded.header.alg !== JWT_HEADER.alg) return false
  const { signature } = decoded
  if (signature.length !== SIGNATURE_LENGTH || !SEGMENT.test(signature)) return false
  return timingSafeEqual(Buffer.from(signature, "base64url"), hmac(key, decoded.signingInput))
}
