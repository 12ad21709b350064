/**
 * @module
 * A collection's `oauth2` option: enabled flag, configured providers, mapped fields.
 */
import type { Collection } from "../../core/types.ts"
import { resolveProvider, type ProviderConfig, type ResolvedProvider } from "./client.ts"

/** `oauth2.mappedFields`: which record fields take the provider's id, name, username and avatar. */
export interface MappedFields {
  id: string
  name: string
  username: string
  avatarURL: string
}

/** The collection's `oauth2` option with defaults for anything missing. */
export function oauth2Options(collection: Collection): { enabled: boolean; providers: ProviderConfig[]; mappedFields: MappedFields } {
  const raw = (collection.oauth2 ?? {}) as { enabled?: boolean; providers?: unknown; mappedFields?: Partial<MappedFields> }
  const providers = Array.isArray(raw.providers) ? (raw.providers as Array<Partial<ProviderConfig>>) : []
  return {
    enabled: raw.enabled === true,
    providers: providers.map((p) => ({
      name: String(p.name ?? ""), clientId: String(p.clientId ?? ""), clientSecret: String(p.clientSecret ?? ""),
      authURL: String(p.authURL ?? ""), tokenURL: String(p.tokenURL ?? ""), userInfoURL: String(p.userInfoURL ?? ""),
      displayName: String(p.displayName ?? ""), pkce: typeof p.pkce === "boolean" ? p.pkce : null,
      extra: p.extra && typeof p.extra === "object" ? p.extra : null,
    })),
    mappedFields: { id: "", name: "", username: "", avatarURL: "", ...raw.mappedFields },
  }
}

/** The configured provider of this name, ready to use; null when missing or unknown. */
export function findProvider(collection: Collection, name: string): ResolvedProvider | null {
  const config = oauth2Options(collection).providers.find((p) => p.name === name)
  return config ? resolveProvider(config) : null
}
