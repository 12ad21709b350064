/**
 * @module
 * Reading an OpenID Connect `id_token` as the user: its claims must name this client as the
 * audience and be current (5 minutes of leeway), come from an allowed issuer when `issuers` are
 * configured, and carry a valid signature from the provider's JWKS when a `jwksURL` is known
 * (RS256 or ES256, checked with WebCrypto).
 */
import type { webcrypto } from "node:crypto"
import { decodeJwt } from "../jwt.ts"

/** Clock skew tolerated on `exp`, `iat` and `nbf` (seconds), as PocketBase allows. */
const LEEWAY_SECONDS = 300
const JWKS_TIMEOUT_MS = 30_000

export interface IdTokenRules {
  clientId: string
  issuers: string[]
  jwksURL: string
}

/** The verified claims of `idToken`; throws with the reason otherwise. */
export async function verifiedIdTokenClaims(idToken: unknown, rules: IdTokenRules, now = Date.now() / 1000): Promise<Record<string, unknown>> {
  const decoded = decodeJwt(idToken)
  if (!decoded) throw new Error("missing or malformed id_token")
  const claims = decoded.payload
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!audience.includes(rules.clientId)) throw new Error("the id_token is for another client")
  if (typeof claims.exp === "number" && claims.exp + LEEWAY_SECONDS < now) throw new Error("the id_token has expired")
  for (const key of ["iat", "nbf"] as const) {
    const value = claims[key]
    if (typeof value === "number" && value - LEEWAY_SECONDS > now) throw new Error(`the id_token's ${key} lies in the future`)
  }
  if (rules.issuers.length > 0 && !rules.issuers.includes(String(claims.iss))) throw new Error("the id_token comes from an unexpected issuer")
  if (rules.jwksURL !== "") await checkSignature(decoded.header, decoded.signingInput, decoded.signature, rules.jwksURL)
  return claims
}

type Jwk = webcrypto.JsonWebKey & { kid?: string }

const ALGORITHMS: Record<string, { import: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams; verify: webcrypto.AlgorithmIdentifier | webcrypto.EcdsaParams }> = {
  RS256: { import: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, verify: { name: "RSASSA-PKCS1-v1_5" } },
  ES256: { import: { name: "ECDSA", namedCurve: "P-256" }, verify: { name: "ECDSA", hash: "SHA-256" } },
}

async function checkSignature(header: Record<string, unknown>, signingInput: string, signature: string, jwksURL: string): Promise<void> {
  const algorithm = ALGORITHMS[String(header.alg)]
  if (!algorithm) throw new Error(`unsupported id_token algorithm ${String(header.alg)}`)
  const response = await fetch(jwksURL, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) })
  if (!response.ok) throw new Error(`the JWKS endpoint answered ${response.status}`)
  const { keys } = (await response.json()) as { keys?: Jwk[] }
  const jwk = (keys ?? []).find((key) => key.kid === header.kid)
  if (!jwk) throw new Error("no JWKS key matches the id_token's kid")
  const key = await crypto.subtle.importKey("jwk", jwk, algorithm.import, false, ["verify"])
  const valid = await crypto.subtle.verify(algorithm.verify, key, Buffer.from(signature, "base64url"), new TextEncoder().encode(signingInput))
  if (!valid) throw new Error("the id_token's signature is invalid")
}
