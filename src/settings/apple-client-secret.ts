/**
 * @module
 * `POST /api/settings/apple/generate-client-secret`: validates the form as PocketBase does and
 * signs Apple's client secret, an ES256 JWT, with WebCrypto.
 */
import { ApiError, badRequest } from "../core/errors.ts"
import * as check from "./checks.ts"

/** Longest validity Apple accepts for a client secret, in seconds (about six months). */
const MAX_DURATION = 15_777_000

const PRIVATE_KEY_PEM = /-----BEGIN PRIVATE KEY----[\s\S]+-----END PRIVATE KEY-----/m

interface AppleSecretForm {
  clientId: string
  teamId: string
  keyId: string
  privateKey: string
  duration: number
}

/** Validates `body` and returns the signed client secret; throws PocketBase's 400 answers. */
export async function generateAppleClientSecret(body: Record<string, unknown>): Promise<string> {
  const form = readForm(body)
  const errors = Object.fromEntries(
    Object.entries({
      clientId: check.firstError(form.clientId, [check.required]),
      teamId: check.firstError(form.teamId, [check.required, check.length(10, 10)]),
      keyId: check.firstError(form.keyId, [check.required, check.length(10, 10)]),
      privateKey: check.firstError(form.privateKey, [check.required, check.matches(PRIVATE_KEY_PEM)]),
      duration: check.firstError(form.duration, [check.required, check.min(1), check.max(MAX_DURATION)]),
    }).filter((entry) => entry[1] !== null),
  )
  if (Object.keys(errors).length > 0) throw badRequest("Invalid client secret data.", errors as never)
  const key = await importPrivateKey(form.privateKey)
  const now = Math.floor(Date.now() / 1000)
  const header = { alg: "ES256", kid: form.keyId, typ: "JWT" }
  const claims = { iss: form.teamId, sub: form.clientId, aud: ["https://appleid.apple.com"], exp: now + form.duration, iat: now }
  const signingInput = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`
  // WebCrypto's ECDSA signature is the raw r||s pair, which is exactly JWS's ES256 encoding.
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, new TextEncoder().encode(signingInput))
  return `${signingInput}.${base64Url(new Uint8Array(signature))}`
}

function readForm(body: Record<string, unknown>): AppleSecretForm {
  const text = (key: string): string => {
    const value = body[key] ?? ""
    if (typeof value !== "string") throw badRequest("An error occurred while loading the submitted data.")
    return value
  }
  const duration = body.duration ?? 0
  const parsed = typeof duration === "string" && /^-?\d+$/.test(duration) ? Number(duration) : duration
  if (typeof parsed !== "number" || !Number.isSafeInteger(parsed)) throw badRequest("An error occurred while loading the submitted data.")
  return { clientId: text("clientId"), teamId: text("teamId"), keyId: text("keyId"), privateKey: text("privateKey"), duration: parsed }
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const base64 = pem.trim().replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "")
  try {
    const der = Buffer.from(base64, "base64")
    return await crypto.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"])
  } catch (error) {
    throw new ApiError(400, "Failed to generate client secret. Raw error: \ninvalid key: Key must be a PEM encoded PKCS1 or PKCS8 key.", {}, { cause: error })
  }
}

const base64Url = (input: string | Uint8Array): string => Buffer.from(input).toString("base64url")
