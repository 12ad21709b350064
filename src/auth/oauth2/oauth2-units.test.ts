import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { AppleNames } from "./apple-names.ts"
import { downloadAvatar, isPrivateAddress } from "./avatar.ts"
import { resolveProvider, s256Challenge, startAuthorization } from "./client.ts"

describe("avatar downloads", () => {
  let server: ReturnType<typeof Bun.serve>
  beforeAll(() => {
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("img", { headers: { "content-type": "image/png" } }) })
  })
  afterAll(() => server.stop(true))

  it("recognises loopback, private, link-local and mapped addresses", () => {
    for (const address of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1"]) {
      expect({ address, private: isPrivateAddress(address) }).toEqual({ address, private: true })
    }
    for (const address of ["8.8.8.8", "172.32.0.1", "2001:4860::8888"]) expect(isPrivateAddress(address)).toBe(false)
  })

  it("never fetches from a private address unless allowed", async () => {
    const url = `http://127.0.0.1:${server.port}/face.png`
    expect(await downloadAvatar(url)).toBeNull()
    expect(await downloadAvatar("http://localhost:1/x.png")).toBeNull()
    expect(await downloadAvatar("file:///etc/passwd", true)).toBeNull()
    const file = await downloadAvatar(url, true)
    expect(file?.name).toBe("face.png")
    expect(await file?.text()).toBe("img")
  })
})

describe("Apple's posted names", () => {
  it("keeps a name for one sign-in within a minute", () => {
    const names = new AppleNames()
    names.remember("code-1", JSON.stringify({ name: { firstName: "Ada", lastName: "Lovelace" } }), 0)
    names.remember("code-2", "not json", 0)
    names.remember("code-3", JSON.stringify({ name: { firstName: "Old" } }), 0)
    expect(names.take("code-1", 1000)).toBe("Ada Lovelace")
    expect(names.take("code-1", 1000)).toBe("")
    expect(names.take("code-2", 1000)).toBe("")
    expect(names.take("code-3", 61_000)).toBe("")
  })
})

describe("authorization URLs", () => {
  it("carry client, scopes, state and an S256 challenge of the verifier, then an empty redirect_uri", () => {
    const provider = resolveProvider({ name: "google", clientId: "cid", clientSecret: "s", authURL: "", tokenURL: "", userInfoURL: "", displayName: "", pkce: null, extra: null })!
    const start = startAuthorization(provider)
    expect(start.authURL.startsWith("https://accounts.google.com/o/oauth2/v2/auth?client_id=cid&code_challenge=")).toBe(true)
    expect(start.authURL.endsWith(`&state=${start.state}&redirect_uri=`)).toBe(true)
    expect(start.codeChallenge).toBe(s256Challenge(start.codeVerifier))
    expect(start.codeVerifier).toHaveLength(43)
    expect(start.state).toHaveLength(30)
  })

  it("leave PKCE out when a provider turns it off, and know no unlisted provider", () => {
    const provider = resolveProvider({ name: "oidc", clientId: "c", clientSecret: "", authURL: "https://idp.test/auth?x=1", tokenURL: "", userInfoURL: "", displayName: "", pkce: false, extra: null })!
    const start = startAuthorization(provider)
    expect(start.authURL).not.toContain("code_challenge")
    expect(start.authURL.startsWith("https://idp.test/auth?x=1&client_id=c&")).toBe(true)
    expect(resolveProvider({ name: "myspace", clientId: "", clientSecret: "", authURL: "", tokenURL: "", userInfoURL: "", displayName: "", pkce: null, extra: null })).toBeNull()
  })
})
