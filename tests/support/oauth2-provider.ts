/**
 * @module
 * A real OAuth2/OpenID Connect provider on loopback (the `oauth2-mock-server` package) whose
 * user-info answer the test chooses, and a "browser" that follows its authorization redirect.
 */
import { OAuth2Server } from "oauth2-mock-server"

export interface TestProvider {
  issuer: string
  /** Provider config for a collection's `oauth2.providers` entry. */
  config(name?: string, overrides?: Record<string, unknown>): Record<string, unknown>
  /** The user the next sign-ins see (OIDC claims). */
  user: Record<string, unknown>
  /** Changes the claims of the tokens it signs (id_token included), or null. */
  onTokenClaims: ((claims: Record<string, unknown>) => void) | null
  /** Follows the authorization URL like a browser would, up to the app's redirect URL; returns that URL. */
  authorize(authURL: string): Promise<string>
  stop(): Promise<void>
}

export const CLIENT_ID = "pocketbun-test-client"
export const CLIENT_SECRET = "pocketbun-test-secret"

/** Starts the provider on a free loopback port. */
export async function startProvider(): Promise<TestProvider> {
  const server = new OAuth2Server()
  await server.issuer.keys.generate("RS256")
  await server.start(0, "127.0.0.1")
  const issuer = server.issuer.url!
  const provider: TestProvider = {
    issuer,
    user: { sub: "provider-user-1" },
    onTokenClaims: null,
    config: (name = "oidc", overrides = {}) => ({
      name, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET,
      authURL: `${issuer}/authorize`, tokenURL: `${issuer}/token`, userInfoURL: `${issuer}/userinfo`, ...overrides,
    }),
    async authorize(authURL) {
      const response = await fetch(authURL, { redirect: "manual" })
      const location = response.headers.get("location")
      if (response.status < 300 || response.status >= 400 || !location) throw new Error(`the provider did not redirect (${response.status})`)
      return location
    },
    stop: () => server.stop(),
  }
  server.service.on("beforeUserinfo", (response) => {
    response.body = provider.user
  })
  server.service.on("beforeTokenSigning", (token) => {
    provider.onTokenClaims?.(token.payload as Record<string, unknown>)
  })
  return provider
}
