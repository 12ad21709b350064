/**
 * @module
 * The OAuth2 providers PocketBase knows by name, from each provider's public documentation:
 * endpoints, scopes, PKCE, and how its user info maps onto one `OAuth2User`. An email is
 * only taken where the provider says it is verified, since accounts link by email.
 */
import { decodeJwt } from "../jwt.ts"
import type { OAuth2ProviderName } from "../../records/collection-oauth2.ts"

/** The signed-in user as the provider describes them. */
export interface OAuth2User {
  id: string
  name: string
  username: string
  /** Empty unless the provider vouches for it. */
  email: string
  avatarURL: string
  accessToken: string
  refreshToken: string
  /** Access token expiry (PocketBase datetime) or "". */
  expiry: string
  rawUser: Record<string, unknown>
}

/** What a mapping may use besides the user-info JSON. */
export interface UserContext {
  token: TokenResponse
  /** The user-info URL in use (configured or default). */
  userInfoURL: string
  /** The provider entry's `extra` options. */
  extra: Record<string, unknown>
  /** GETs JSON with the access token (extra calls, like GitHub's email list). */
  fetchJson(url: string): Promise<unknown>
}

/** The token endpoint's answer. */
export interface TokenResponse {
  access_token: string
  refresh_token?: string
  id_token?: string
  expires_in?: number
  [key: string]: unknown
}

/** One provider's defaults. */
export interface ProviderSpec {
  displayName: string
  /** Position in provider lists (PocketBase's order; ties sort by name). */
  order: number
  pkce: boolean
  scopes: string[]
  authURL: string
  tokenURL: string
  /** Empty: the user comes from the token's `id_token` (OIDC without user info, Apple). */
  userInfoURL: string
  /** Extra parameters of the authorization URL. */
  authParams?: Record<string, string>
  /** Where the `id_token` signing keys are, when the user comes from the id_token (overridable with `extra.jwksURL`). */
  jwksURL?: string
  /** Accepted `iss` values of the id_token (overridable with `extra.issuers`). */
  issuers?: string[]
  toUser(raw: Record<string, unknown>, context: UserContext): Promise<Partial<OAuth2User>> | Partial<OAuth2User>
}

const text = (value: unknown): string => (typeof value === "string" ? value : typeof value === "number" ? String(value) : "")
/** Booleans arrive as `true` or `"true"` depending on the provider. */
const truthy = (value: unknown): boolean => value === true || value === "true" || value === 1 || value === "1"

// OpenID Connect standard claims.
function fromOidcClaims(raw: Record<string, unknown>): Partial<OAuth2User> {
  return {
    id: text(raw.sub), name: text(raw.name), username: text(raw.preferred_username), avatarURL: text(raw.picture),
    email: truthy(raw.email_verified) ? text(raw.email) : "",
  }
}

const oidc = (): ProviderSpec => ({
  displayName: "OIDC", order: 99, pkce: true, scopes: ["openid", "email", "profile"], authURL: "", tokenURL: "", userInfoURL: "", toUser: fromOidcClaims,
})

/** Provider name → defaults. Unknown names cannot be configured. */
export const PROVIDERS: Readonly<Record<string, ProviderSpec>> = {
  oidc: oidc(),
  oidc2: oidc(),
  oidc3: oidc(),
  google: {
    displayName: "Google", order: 2, pkce: true,
    scopes: ["https://www.googleapis.com/auth/userinfo.profile", "https://www.googleapis.com/auth/userinfo.email"],
    authURL: "https://accounts.google.com/o/oauth2/v2/auth", tokenURL: "https://oauth2.googleapis.com/token",
    userInfoURL: "https://www.googleapis.com/oauth2/v3/userinfo",
    toUser: fromOidcClaims,
  },
  github: {
    displayName: "GitHub", order: 7, pkce: true, scopes: ["read:user", "user:email"],
    authURL: "https://github.com/login/oauth/authorize", tokenURL: "https://github.com/login/oauth/access_token",
    userInfoURL: "https://api.github.com/user",
    async toUser(raw, context) {
      // The profile's email may be unverified or hidden; the verified primary one is in the list.
      const emails = await context.fetchJson(`${context.userInfoURL.replace(/\/+$/, "")}/emails`).catch(() => [])
      const primary = Array.isArray(emails) ? emails.find((e) => truthy(e?.verified) && truthy(e?.primary)) : undefined
      return { id: text(raw.id), name: text(raw.name), username: text(raw.login), avatarURL: text(raw.avatar_url), email: text(primary?.email) }
    },
  },
  gitlab: {
    displayName: "GitLab", order: 8, pkce: true, scopes: ["read_user"],
    authURL: "https://gitlab.com/oauth/authorize", tokenURL: "https://gitlab.com/oauth/token", userInfoURL: "https://gitlab.com/api/v4/user",
    toUser: (raw) => ({
      id: text(raw.id), name: text(raw.name), username: text(raw.username), avatarURL: text(raw.avatar_url),
      email: text(raw.confirmed_at) !== "" ? text(raw.email) : "",
    }),
  },
  microsoft: {
    displayName: "Microsoft", order: 3, pkce: true, scopes: ["User.Read"],
    authURL: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    tokenURL: "https://login.microsoftonline.com/common/oauth2/v2.0/token", userInfoURL: "https://graph.microsoft.com/v1.0/me",
    toUser: (raw, context) => ({ id: text(raw.id), name: text(raw.displayName), email: microsoftEmail(raw, context) }),
  },
  apple: {
    displayName: "Apple", order: 1, pkce: true, scopes: ["name", "email"],
    authURL: "https://appleid.apple.com/auth/authorize", tokenURL: "https://appleid.apple.com/auth/token", userInfoURL: "",
    jwksURL: "https://appleid.apple.com/auth/keys", issuers: ["https://appleid.apple.com"],
    // Apple posts the authorization back (it sends the name only there, on the first sign-in).
    authParams: { response_mode: "form_post" },
    toUser: (raw) => ({ id: text(raw.sub), email: truthy(raw.email_verified) ? text(raw.email) : "" }),
  },
  discord: {
    displayName: "Discord", order: 12, pkce: true, scopes: ["identify", "email"],
    authURL: "https://discord.com/api/oauth2/authorize", tokenURL: "https://discord.com/api/oauth2/token",
    userInfoURL: "https://discord.com/api/users/@me",
    toUser: (raw) => {
      const id = text(raw.id)
      const avatar = text(raw.avatar)
      return {
        id, name: text(raw.global_name) || text(raw.username), username: text(raw.username),
        avatarURL: avatar ? `https://cdn.discordapp.com/avatars/${id}/${avatar}.png` : "",
        email: truthy(raw.verified) ? text(raw.email) : "",
      }
    },
  },
  facebook: {
    displayName: "Facebook", order: 5, pkce: true, scopes: ["email"],
    authURL: "https://www.facebook.com/v3.2/dialog/oauth", tokenURL: "https://graph.facebook.com/v3.2/oauth/access_token",
    userInfoURL: "https://graph.facebook.com/me?fields=name,email,picture.type(large)",
    toUser: (raw) => {
      const picture = raw.picture as { data?: { url?: unknown } } | undefined
      // Facebook only returns confirmed addresses.
      return { id: text(raw.id), name: text(raw.name), email: text(raw.email), avatarURL: text(picture?.data?.url) }
    },
  },
} satisfies Record<OAuth2ProviderName, ProviderSpec>

/**
 * Microsoft's email: by default the Graph profile's `mail` (single-tenant apps); with
 * `extra.idTokenEmailClaim` one of the id_token's claims instead (`verified_primary_email`,
 * `email` with `xms_edov`, either (`any_verified`), or plain `email`). The id_token came straight
 * from the token endpoint, so its claims are read without a signature check.
 */
function microsoftEmail(raw: Record<string, unknown>, context: UserContext): string {
  const claims = decodeJwt(context.token.id_token)?.payload ?? {}
  const primary = text(claims.verified_primary_email)
  const edov = truthy(claims.xms_edov) ? text(claims.email) : ""
  switch (context.extra.idTokenEmailClaim) {
    case "any_verified":
      return primary || edov
    case "verified_primary_email":
      return primary
    case "email_and_xms_edov":
      return edov
    case "email":
      return text(claims.email)
    default:
      return text(raw.mail)
  }
}

/** Every provider as the collections API lists them (`/api/collections/meta/oauth2-providers`). */
export function listProviders(): Array<{ name: string; displayName: string; logo: string }> {
  return Object.entries(PROVIDERS)
    .sort(([a, x], [b, y]) => x.order - y.order || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, spec]) => ({ name, displayName: spec.displayName, logo: "" }))
}
