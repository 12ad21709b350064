/**
 * The SDK's OAuth2 popup flow when the provider sends the browser back to a different process
 * than the one holding the SDK's realtime connection (two `serve` processes sharing Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import PocketBase from "pocketbase"
import "../support/realtime.ts"
import { redisUnavailable } from "../support/redis.ts"
import { startRedisPair, type RedisPair } from "../support/redis-pair.ts"
import { superuserClient, type ServerProcess } from "../support/processes.ts"
import { startProvider, type TestProvider } from "../support/oauth2-provider.ts"

const ADMIN = { email: "admin@example.com", password: "admin-password-123" }
const unavailable = redisUnavailable()
if (unavailable) console.log(`skipping the cluster OAuth2 test: ${unavailable}`)

describe.skipIf(unavailable !== null)("OAuth2 redirect across processes", () => {
  let pair: RedisPair | undefined
  let provider: TestProvider
  let nodes: ServerProcess[] = []
  const open: PocketBase[] = []

  beforeAll(async () => {
    provider = await startProvider()
    pair = await startRedisPair("oauth2-cluster", ADMIN)
    nodes = pair.nodes
    const admin = await superuserClient(nodes[0]!.url, ADMIN.email, ADMIN.password)
    await admin.collections.update("users", { oauth2: { enabled: true, providers: [provider.config("oidc")], mappedFields: { avatarURL: "" } } })
  }, 30_000)
  afterAll(async () => {
    for (const pb of open) await pb.realtime.unsubscribe().catch(() => {})
    await pair?.stop("SIGKILL")
    await provider?.stop()
  })

  it("hands the code to the SDK waiting on the other process, and to nobody else", async () => {
    provider.user = { sub: "cluster-user", email: "cluster@example.com", email_verified: true }
    const bystander = new PocketBase(nodes[0]!.url)
    const seen: unknown[] = []
    await bystander.realtime.subscribe("@oauth2", (e) => seen.push(e))
    open.push(bystander)
    const pb = new PocketBase(nodes[0]!.url)
    open.push(pb)
    const auth = await pb.collection("users").authWithOAuth2({
      provider: "oidc",
      urlCallback: async (url) => {
        // The "browser" comes back through the second process.
        const back = new URL(await provider.authorize(url))
        const page = await fetch(`${nodes[1]!.url}/api/oauth2-redirect${back.search}`)
        expect(await page.text()).toContain("Signed in")
      },
    })
    expect(auth.record.email).toBe("cluster@example.com")
    expect(auth.meta?.isNew).toBe(true)
    expect(seen).toEqual([])
  })
})
