/**
 * @module
 * `GET /api/collections/:c/auth-methods`: which sign-in methods a collection offers, in
 * PocketBase's shape, with a fresh state and PKCE pair per OAuth2 provider.
 */
import type { Collection } from "../../core/types.ts"
import { resolveProvider, startAuthorization } from "./client.ts"
import { oauth2Options } from "./config.ts"

interface ProviderInfo {
  name: string
  displayName: string
  logo: string
  state: string
  authURL: string
  authUrl: string
  codeVerifier: string
  codeChallenge: string
  codeChallengeMethod: string
}

/** The auth-methods answer for `collection`. */
export function listAuthMethods(collection: Collection): Record<string, unknown> {
  const passwordAuth = (collection.passwordAuth ?? {}) as { enabled?: boolean; identityFields?: string[] }
  const passwordEnabled = passwordAuth.enabled === true
  const identityFields = passwordEnabled ? passwordAuth.identityFields ?? [] : []
  const mfa = (collection.mfa ?? {}) as { enabled?: boolean; duration?: number }
  const otp = (collection.otp ?? {}) as { enabled?: boolean; duration?: number }
  const oauth2 = oauth2Options(collection)
  const providers: ProviderInfo[] = []
  if (oauth2.enabled) {
    for (const config of oauth2.providers) {
      const provider = resolveProvider(config)
      if (!provider) continue
      const start = startAuthorization(provider)
      providers.push({
        name: config.name, displayName: provider.displayName, logo: "", state: start.state, authURL: start.authURL, authUrl: start.authURL,
        codeVerifier: start.codeVerifier, codeChallenge: start.codeChallenge, codeChallengeMethod: start.codeChallengeMethod,
      })
    }
  }
  return {
    password: { identityFields, enabled: passwordEnabled },
    oauth2: { providers, enabled: oauth2.enabled },
    mfa: { enabled: mfa.enabled === true, duration: mfa.enabled ? mfa.duration ?? 0 : 0 },
    otp: { enabled: otp.enabled === true, duration: otp.enabled ? otp.duration ?? 0 : 0 },
    authProviders: providers.map((p) => ({ ...p, logo: "" })),
    usernamePassword: passwordEnabled && identityFields.includes("username"),
    emailPassword: passwordEnabled && identityFields.includes("email"),
  }
}
