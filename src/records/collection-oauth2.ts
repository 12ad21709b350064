/**
 * @module
 * The `oauth2` option of auth collections as PocketBase stores and shows it: every provider
 * entry in one shape, a submitted list merged over the stored one entry by entry (so an update
 * that leaves out `clientSecret` keeps it). `collection-json.ts` never writes `clientSecret`.
 */
import { fieldError, type ErrorData } from "../core/errors.ts"

/** The provider names a collection may configure (each has a spec in `auth/oauth2/providers.ts`). */
export const OAUTH2_PROVIDER_NAMES = ["oidc", "oidc2", "oidc3", "google", "github", "gitlab", "microsoft", "apple", "discord", "facebook"] as const

export type OAuth2ProviderName = (typeof OAUTH2_PROVIDER_NAMES)[number]

const KNOWN_PROVIDERS: ReadonlySet<string> = new Set(OAUTH2_PROVIDER_NAMES)

const PROVIDER_DEFAULTS = { pkce: null, name: "", clientId: "", clientSecret: "", authURL: "", tokenURL: "", userInfoURL: "", displayName: "", extra: {} }

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/** Merges a submitted `oauth2` over the stored one; providers merge by position, as Go decodes into a stored list. */
export function mergeOAuth2Option(current: Record<string, unknown>, submitted: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...current, ...submitted }
  const stored = Array.isArray(current.providers) ? current.providers : []
  if (Array.isArray(submitted.providers)) {
    merged.providers = submitted.providers.map((entry, index) => {
      const base = isObject(stored[index]) ? stored[index] : {}
      const provider = { ...PROVIDER_DEFAULTS, ...base, ...(isObject(entry) ? entry : {}) }
      if (!isObject(provider.extra)) provider.extra = {}
      return provider
    })
  }
  if (isObject(submitted.mappedFields)) merged.mappedFields = { ...(isObject(current.mappedFields) ? current.mappedFields : {}), ...submitted.mappedFields }
  return merged
}

/** Field errors for providers whose name is not a known provider. */
export function oauth2ProviderErrors(option: unknown): ErrorData | null {
  if (!isObject(option) || !Array.isArray(option.providers)) return null
  const errors: ErrorData = {}
  option.providers.forEach((provider, index) => {
    const name = isObject(provider) ? String(provider.name ?? "") : ""
    if (!KNOWN_PROVIDERS.has(name)) errors[index] = { name: fieldError("validation_missing_provider", `Invalid or missing provider with name ${name}.`, { name }) }
  })
  return Object.keys(errors).length > 0 ? { providers: errors } : null
}
