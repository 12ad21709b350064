/**
 * OAuth2 answers compared with the reference PocketBase, both talking to the same loopback
 * OpenID Connect provider: the stored `oauth2` option, auth-methods (random parts masked),
 * a full code sign-in and a repeat, and the errors for bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import type { TestServer } from "../support/servers.ts"
import { answersFromBoth } from "../support/differential.ts"
import { rawRequest } from "../support/raw-request.ts"
import { startProvider, type TestProvider } from "../support/oauth2-provider.ts"

type Answer = { status: number; body: any }

const REDIRECT = "http://127.0.0.1:1/callback"

const post = (server: TestServer, path: string, body: unknown) =>
  rawRequest(server, { method: "POST", path: `/api/collections/${path}`, body, guest: true }) as Promise<Answer>

// Values that are random or per-server become placeholders; the rest must match exactly.
function mask(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) => {
    // Logos: PocketBase ships its own SVGs, which we do not copy (ours are empty).
    if (key === "logo") return "<logo>"
    if (["state", "codeVerifier", "codeChallenge", "id", "created", "updated", "token", "collectionId", "accessToken", "refreshToken", "expiry", "avatar"].includes(key)) return typeof v === "string" && v !== "" ? "<x>" : v
    if (key === "authURL" || key === "authUrl") return String(v).replace(/(state|code_challenge)=[^&]+/g, "$1=<x>")
    if (key === "rawUser" && v && typeof v === "object") return Object.keys(v).sort()
    return v
  })
}

async function answers(server: TestServer, provider: TestProvider): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  const stored = await server.admin.collections.update("users", { oauth2: { enabled: true, providers: [provider.config("oidc")], mappedFields: { name: "name" } } })
  out.option = mask(stored.oauth2)
  const methods = await fetch(`${server.url}/api/collections/users/auth-methods`).then((r) => r.json())
  out.methods = mask(methods)
  const signIn = async () => {
    const fresh = (await fetch(`${server.url}/api/collections/users/auth-methods`).then((r) => r.json())) as { oauth2: { providers: Array<{ authURL: string; codeVerifier: string }> } }
    const oidc = fresh.oauth2.providers[0]!
    const back = new URL(await provider.authorize(oidc.authURL + encodeURIComponent(REDIRECT)))
    return post(server, "users/auth-with-oauth2", { provider: "oidc", code: back.searchParams.get("code"), codeVerifier: oidc.codeVerifier, redirectURL: REDIRECT })
  }
  provider.user = { sub: `diff-${server.name}`, email: `diff-${server.name}@example.com`, email_verified: true, name: "Diff Person", preferred_username: "diffy" }
  const first = await signIn()
  out.first = mask({ ...first, body: { ...first.body, meta: { ...first.body.meta, id: "<sub>", email: "<email>" }, record: { ...first.body.record, email: "<email>" } } })
  const second = await signIn()
  out.second = mask({ ...second, body: { ...second.body, meta: { ...second.body.meta, id: "<sub>", email: "<email>" }, record: { ...second.body.record, email: "<email>" } } })
  out.badProvider = await post(server, "users/auth-with-oauth2", { provider: "nope" })
  out.badCode = await post(server, "users/auth-with-oauth2", { provider: "oidc", code: "not-a-code", codeVerifier: "x", redirectURL: REDIRECT })
  out.disabled = await post(server, "_superusers/auth-with-oauth2", { provider: "oidc", code: "x" })
  out.unknownProviderConfig = await rawRequest(server, {
    method: "POST", path: "/api/collections",
    body: { name: "bad_oauth", type: "auth", oauth2: { enabled: true, providers: [{ name: "nope", clientId: "a", clientSecret: "b" }] } },
  })
  return out
}

describe("OAuth2 answers as the reference", () => {
  let provider: TestProvider
  beforeAll(async () => {
    provider = await startProvider()
  })
  afterAll(() => provider.stop())
  const both = answersFromBoth((server) => answers(server, provider))

  it("signs up, then signs in again", () => {
    const { ours } = both()
    expect((ours.first as Answer).status).toBe(200)
    expect((ours.first as Answer).body.meta.isNew).toBe(true)
    expect((ours.second as Answer).body.meta.isNew).toBe(false)
  })

  for (const key of ["option", "methods", "first", "second", "badProvider", "badCode", "disabled", "unknownProviderConfig"]) {
    it(`${key} matches`, () => {
      const { ours, theirs } = both()
      if (theirs) expect(ours[key]).toEqual(theirs[key])
    })
  }
})
