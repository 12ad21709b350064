/**
 * @module
 * The OAuth2 authorization-code protocol against one configured provider: the authorization
 * URL (state, PKCE S256), the code exchange, and the user lookup.
 */
import { createHash } from "node:crypto"
import { formatDateTime } from "../../core/clock.ts"
import { randomString } from "../../core/random.ts"
import { PROVIDERS, type OAuth2User, type ProviderSpec, type TokenResponse } from "./providers.ts"
import { verifiedIdTokenClaims } from "./id-token.ts"

/** One entry of a collection's `oauth2.providers`, as stored. */
export interface ProviderConfig {
  name: string
  clientId: string
  clientSecret: string
  authURL: string
  tokenURL: string
  userInfoURL: string
  displayName: string
  pkce: boolean | null
  extra: Record<string, unknown> | null
}

/** A configured provider: its spec with the configuration's overrides applied. */
export interface ResolvedProvider {
  config: ProviderConfig
  spec: ProviderSpec
  displayName: string
  pkce: boolean
  authURL: string
  tokenURL: string
  userInfoURL: string
}

/** How long a call to the provider may take (milliseconds), as PocketBase allows. */
const PROVIDER_TIMEOUT_MS = 30_000

/** Applies a configuration to its provider's defaults; null for an unknown provider name. */
export function resolveProvider(config: ProviderConfig): ResolvedProvider | null {
  const spec = PROVIDERS[config.name]
  if (!spec) return null
  return {
    config,
    spec,
    displayName: config.displayName || spec.displayName,
    pkce: config.pkce ?? spec.pkce,
    authURL: config.authURL || spec.authURL,
    tokenURL: config.tokenURL || spec.tokenURL,
    userInfoURL: config.userInfoURL || spec.userInfoURL,
  }
}

// Microsoft needs `openid` (for an id_token) only when its email is to come from the id_token.
const scopesOf = (provider: ResolvedProvider): string[] =>
  provider.config.name === "microsoft" && typeof provider.config.extra?.idTokenEmailClaim === "string" && provider.config.extra.idTokenEmailClaim !== ""
    ? [...provider.spec.scopes, "openid"]
    : provider.spec.scopes

/** The S256 challenge of a PKCE verifier. */
export const s256Challenge = (verifier: string): string => createHash("sha256").update(verifier).digest("base64url")

/** A fresh sign-in start: state, PKCE pair, and the authorization URL ending in `redirect_uri=`. */
export function startAuthorization(provider: ResolvedProvider): { state: string; codeVerifier: string; codeChallenge: string; codeChallengeMethod: string; authURL: string } {
  const state = randomString(30)
  const params: Record<string, string> = {
    client_id: provider.config.clientId, response_type: "code", scope: scopesOf(provider).join(" "), state, ...provider.spec.authParams,
  }
  let codeVerifier = ""
  let codeChallenge = ""
  if (provider.pkce) {
    codeVerifier = randomString(43)
    codeChallenge = s256Challenge(codeVerifier)
    params.code_challenge = codeChallenge
    params.code_challenge_method = "S256"
  }
  // Sorted keys, as Go encodes them; the SDK appends the redirect URL after `redirect_uri=`.
  const query = Object.keys(params).sort().map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(params[key]!).replace(/%20/g, "+")}`).join("&")
  const separator = provider.authURL.includes("?") ? "&" : "?"
  return { state, codeVerifier, codeChallenge, codeChallengeMethod: provider.pkce ? "S256" : "", authURL: `${provider.authURL}${separator}${query}&redirect_uri=` }
}

async function requestJson(url: string, init: RequestInit): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) })
  const body = await response.text()
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${body.slice(0, 200)}`)
  try {
    return JSON.parse(body)
  } catch {
    // Some token endpoints (GitHub's by default) answer form-encoded.
    return Object.fromEntries(new URLSearchParams(body))
  }
}

/** Exchanges the authorization code for tokens. */
export async function exchangeCode(provider: ResolvedProvider, input: { code: string; redirectURL: string; codeVerifier: string }): Promise<TokenResponse> {
  const form = new URLSearchParams({ grant_type: "authorization_code", code: input.code, redirect_uri: input.redirectURL, client_id: provider.config.clientId, client_secret: provider.config.clientSecret })
  if (provider.pkce) form.set("code_verifier", input.codeVerifier)
  const token = (await requestJson(provider.tokenURL, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: form,
  })) as TokenResponse
  if (typeof token?.access_token !== "string" || token.access_token === "") throw new Error("the token endpoint returned no access_token")
  return token
}

/** Looks up the user the token belongs to. */
export async function fetchUser(provider: ResolvedProvider, token: TokenResponse): Promise<OAuth2User> {
  const fetchJson = (url: string) => requestJson(url, { headers: { authorization: `Bearer ${token.access_token}`, accept: "application/json" } })
  const extra = provider.config.extra ?? {}
  const raw = provider.userInfoURL
    ? ((await fetchJson(provider.userInfoURL)) as Record<string, unknown>)
    : await verifiedIdTokenClaims(token.id_token, {
        clientId: provider.config.clientId,
        issuers: Array.isArray(extra.issuers) ? extra.issuers.map(String) : provider.spec.issuers ?? [],
        jwksURL: typeof extra.jwksURL === "string" && extra.jwksURL !== "" ? extra.jwksURL : provider.spec.jwksURL ?? "",
      })
  const mapped = await provider.spec.toUser(raw ?? {}, { token, userInfoURL: provider.userInfoURL, extra, fetchJson })
  const expiresIn = typeof token.expires_in === "number" ? token.expires_in : Number(token.expires_in ?? 0)
  return {
    id: "", name: "", username: "", email: "", avatarURL: "", ...mapped,
    accessToken: token.access_token,
    refreshToken: token.refresh_token ?? "",
    expiry: expiresIn > 0 ? formatDateTime(new Date(Date.now() + expiresIn * 1000)) : "",
    rawUser: raw ?? {},
  }
}
