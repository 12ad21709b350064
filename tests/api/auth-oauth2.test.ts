/**
 * OAuth2 end to end: the official SDK's all-in-one `authWithOAuth2({provider})` (auth-methods,
 * the realtime `@oauth2` topic, the provider's authorization redirect, `/api/oauth2-redirect`)
 * and `authWithOAuth2Code`, against a real OpenID Connect provider on loopback. Covers sign-up
 * with mapped fields (avatar downloaded), linking by verified email only, PKCE, external auths.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import PocketBase from "pocketbase"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { failure } from "../support/records-fixture.ts"
import { startProvider, type TestProvider } from "../support/oauth2-provider.ts"
import { SdkClients } from "../support/realtime.ts"

// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64")

describe("OAuth2 sign-in", () => {
  let server: PocketbunServer
  let provider: TestProvider
  let avatars: ReturnType<typeof Bun.serve>
  const sdk = new SdkClients()
  let n = 0

  beforeAll(async () => {
    provider = await startProvider()
    avatars = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(PNG, { headers: { "content-type": "image/png" } }) })
    server = await startPocketbun()
    server.app.services.authFlows.allowPrivateAvatarHosts = true
    await server.admin.collections.update("users", {
      oauth2: { enabled: true, providers: [provider.config("oidc"), provider.config("github", { userInfoURL: `${provider.issuer}/userinfo` })], mappedFields: { name: "name", avatarURL: "avatar" } },
    })
  })
  afterAll(async () => {
    await sdk.closeAll()
    await server.stop()
    await provider.stop()
    await avatars.stop(true)
  })

  const nextUser = (claims: Record<string, unknown> = {}) => {
    n++
    provider.user = { sub: `sub-${n}-${Date.now()}`, email: `oauth${n}-${Date.now()}@example.com`, email_verified: true, name: `Person ${n}`, picture: `http://127.0.0.1:${avatars.port}/face.png`, ...claims }
    return provider.user as { sub: string; email: string; name: string }
  }

  // The SDK's popup flow, with a "browser" that follows the provider's redirect back to us.
  async function popupSignIn(pb: PocketBase) {
    return pb.collection("users").authWithOAuth2({
      provider: "oidc",
      urlCallback: async (url) => {
        const back = await provider.authorize(url)
        const page = await fetch(back)
        expect(page.status).toBe(200)
      },
    })
  }

  it("signs up through the SDK's all-in-one flow, with mapped name and downloaded avatar", async () => {
    const user = nextUser()
    const pb = await sdk.make(server)
    const auth = await popupSignIn(pb)
    expect(auth.meta?.isNew).toBe(true)
    expect(auth.meta?.id).toBe(user.sub)
    expect(auth.meta?.email).toBe(user.email)
    expect(auth.record.email).toBe(user.email)
    expect(auth.record.verified).toBe(true)
    expect(auth.record.name).toBe(user.name)
    expect(auth.record.avatar).toMatch(/^face_[a-z0-9]{10}\.png$/)
    expect(pb.authStore.isValid).toBe(true)
    const links = await pb.collection("users").listExternalAuths(auth.record.id)
    expect(links.map((l) => [l.provider, l.providerId])).toEqual([["oidc", user.sub]])
  })

  it("signs the same provider account into the same record again", async () => {
    const user = nextUser()
    const first = await popupSignIn(await sdk.make(server))
    provider.user = { ...provider.user, email: "changed-at-provider@example.com" }
    const second = await popupSignIn(await sdk.make(server))
    expect(second.record.id).toBe(first.record.id)
    expect(second.meta?.isNew).toBe(false)
    expect(second.record.email).toBe(user.email)
  })

  it("links an existing account by verified email and resets the password of an unverified one", async () => {
    const user = nextUser()
    const password = "password-123456"
    const existing = await server.client().collection("users").create({ email: user.email, password, passwordConfirm: password })
    const auth = await popupSignIn(await sdk.make(server))
    expect(auth.record.id).toBe(existing.id)
    expect(auth.record.verified).toBe(true)
    // someone may have pre-registered the address: their password no longer works
    expect((await failure(server.client().collection("users").authWithPassword(user.email, password))).status).toBe(400)
  })

  it("never links by an email the provider does not vouch for", async () => {
    const user = nextUser({ email_verified: false })
    const password = "password-123456"
    const victim = await server.admin.collection("users").create({ email: user.email, password, passwordConfirm: password, verified: true })
    const result = await failure(popupSignIn(await sdk.make(server)))
    expect(result.status).toBe(400)
    const links = await server.admin.collection("_externalAuths").getFullList({ filter: `recordRef = "${victim.id}"` })
    expect(links).toHaveLength(0)
    await server.client().collection("users").authWithPassword(user.email, password)
  })

  it("unlinks a provider", async () => {
    nextUser()
    const pb = await sdk.make(server)
    const auth = await popupSignIn(pb)
    expect(await pb.collection("users").unlinkExternalAuth(auth.record.id, "oidc")).toBe(true)
    expect(await pb.collection("users").listExternalAuths(auth.record.id)).toHaveLength(0)
  })

  it("refuses a code exchanged without the matching PKCE verifier", async () => {
    nextUser()
    const methods = await server.client().collection("users").listAuthMethods()
    const oidc = methods.oauth2.providers.find((p) => p.name === "oidc")!
    expect(oidc.codeChallengeMethod).toBe("S256")
    const redirectURL = "http://127.0.0.1:1/callback"
    const back = new URL(await provider.authorize(oidc.authURL + encodeURIComponent(redirectURL)))
    const code = back.searchParams.get("code")!
    expect(back.searchParams.get("state")).toBe(oidc.state)
    const wrong = await failure(server.client().collection("users").authWithOAuth2Code("oidc", code, "x".repeat(43), redirectURL))
    expect(wrong.data).toEqual({ status: 400, message: "Failed to fetch OAuth2 token.", data: {} })
  })

  it("hands the redirect only to the client whose id is the state", async () => {
    const bystander = await sdk.make(server)
    const seen: unknown[] = []
    await bystander.realtime.subscribe("@oauth2", (e) => seen.push(e))
    const page = await fetch(`${server.url}/api/oauth2-redirect?state=not-a-client&code=abc`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain("did not complete")
    // a redirect for the bystander itself but without a code is delivered (as an error) only to it
    await fetch(`${server.url}/api/oauth2-redirect?state=${bystander.realtime.clientId}&error=access_denied`)
    const deadline = Date.now() + 3000
    while (seen.length === 0 && Date.now() < deadline) await Bun.sleep(10)
    expect(seen).toEqual([{ state: bystander.realtime.clientId, code: "", error: "access_denied" }])
  })

  it("answers bad requests as PocketBase does", async () => {
    const pb = server.client()
    const unknown = await failure(pb.collection("users").authWithOAuth2Code("nope", "", "", ""))
    expect(unknown.data.data.provider.code).toBe("validation_invalid_provider")
    expect(unknown.data.data.code.code).toBe("validation_required")
    expect((await failure(pb.collection("_superusers").authWithOAuth2Code("oidc", "x", "", ""))).status).toBe(403)
  })

  it("maps the provider's id and username, the username only while it is free", async () => {
    await server.admin.collections.create({
      name: "handles", type: "auth", createRule: "",
      fields: [{ name: "handle", type: "text" }, { name: "providerUid", type: "text" }],
      indexes: ["CREATE UNIQUE INDEX `idx_handles_handle` ON `handles` (`handle`) WHERE `handle` != ''"],
      oauth2: { enabled: true, providers: [provider.config("oidc")], mappedFields: { id: "providerUid", username: "handle" } },
    })
    const signIn = async (sub: string) => {
      provider.user = { sub, email: `${sub}@example.com`, email_verified: true, preferred_username: "same_handle" }
      const pb = await sdk.make(server)
      return pb.collection("handles").authWithOAuth2({ provider: "oidc", urlCallback: async (url) => void (await fetch(await provider.authorize(url))) })
    }
    const first = await signIn(`first-${Date.now()}`)
    expect(first.record.handle).toBe("same_handle")
    expect(first.record.providerUid).toBe(first.meta?.id)
    const second = await signIn(`second-${Date.now()}`)
    expect(second.record.handle).toBe("")
  })

  it("lists the known providers for superusers", async () => {
    const providers = await server.admin.collections.getAllOAuth2Providers()
    expect(providers.map((p: { name: string }) => p.name)).toEqual(["apple", "google", "microsoft", "facebook", "github", "gitlab", "discord", "oidc", "oidc2", "oidc3"])
    expect((await failure(server.client().collections.getAllOAuth2Providers())).status).toBe(401)
  })

  it("hides client secrets in the collection and keeps them across updates", async () => {
    const collection = await server.admin.collections.getOne("users")
    expect(JSON.stringify(collection.oauth2)).not.toContain("secret")
    await server.admin.collections.update("users", { oauth2: { providers: [{ name: "oidc", displayName: "Test IdP" }, provider.config("github")] } })
    nextUser()
    const auth = await popupSignIn(await sdk.make(server))
    expect(auth.record.verified).toBe(true)
  })

  describe("users from the id_token", () => {
    let other: TestProvider
    beforeAll(async () => {
      other = await startProvider()
      provider.onTokenClaims = (claims) => Object.assign(claims, { email: "idtoken@example.com", email_verified: true, name: "Id Token" })
      await server.admin.collections.create({
        name: "members", type: "auth", createRule: "", fields: [{ name: "name", type: "text" }],
        oauth2: {
          enabled: true, mappedFields: { name: "name" },
          providers: [
            provider.config("oidc", { userInfoURL: "", extra: { jwksURL: `${provider.issuer}/jwks`, issuers: [provider.issuer] } }),
            provider.config("oidc2", { userInfoURL: "", extra: { jwksURL: `${other.issuer}/jwks` } }),
            provider.config("apple", { userInfoURL: "", extra: { jwksURL: `${provider.issuer}/jwks`, issuers: [provider.issuer] } }),
          ],
        },
      })
    })
    afterAll(async () => {
      provider.onTokenClaims = null
      await other.stop()
    })

    async function codeSignIn(name: string, postBack?: Record<string, string>) {
      const pb = await sdk.make(server)
      return pb.collection("members").authWithOAuth2({
        provider: name,
        urlCallback: async (url) => {
          const back = new URL(await provider.authorize(url))
          if (!postBack) return void (await fetch(back))
          // Apple answers with a form post carrying the name on the first sign-in.
          const form = new URLSearchParams({ state: back.searchParams.get("state")!, code: back.searchParams.get("code")!, ...postBack })
          await fetch(`${server.url}/api/oauth2-redirect`, { method: "POST", body: form })
        },
      })
    }

    it("reads the user from a signature-checked id_token", async () => {
      const auth = await codeSignIn("oidc")
      expect(auth.record.email).toBe("idtoken@example.com")
      expect(auth.record.name).toBe("Id Token")
      expect(auth.record.verified).toBe(true)
    })

    it("refuses an id_token the configured JWKS did not sign", async () => {
      const result = await failure(codeSignIn("oidc2"))
      expect(result.status).toBe(400)
      expect(result.message).toContain("Failed to fetch OAuth2 user.")
    })

    it("takes Apple's name from the form it posts to the redirect", async () => {
      provider.onTokenClaims = (claims) => Object.assign(claims, { sub: "apple-user", email: "apple@example.com", email_verified: "true" })
      const auth = await codeSignIn("apple", { user: JSON.stringify({ name: { firstName: "Ada", lastName: "Lovelace" } }) })
      expect(auth.record.email).toBe("apple@example.com")
      expect(auth.record.name).toBe("Ada Lovelace")
    })
  })
})
