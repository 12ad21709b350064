/**
 * Settings and rate limits across processes: two `serve` processes on one data directory with
 * the Redis broker. A settings change made through one process holds for the other's next
 * request, and rate limit counters are shared.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import type PocketBase from "pocketbase"
import { redisUnavailable } from "../support/redis.ts"
import { startRedisPair, type RedisPair } from "../support/redis-pair.ts"
import { superuserClient, type ServerProcess } from "../support/processes.ts"

const ADMIN = { email: "admin@example.com", password: "admin-password-123" }
const unavailable = redisUnavailable()
if (unavailable) console.log(`skipping cross-process settings tests: ${unavailable}`)

describe.skipIf(unavailable !== null)("settings and rate limits across processes", () => {
  let pair: RedisPair | undefined
  let nodes: ServerProcess[] = []
  let admins: PocketBase[] = []

  beforeAll(async () => {
    pair = await startRedisPair("settings-cluster", ADMIN)
    nodes = pair.nodes
    admins = await Promise.all(nodes.map((node) => superuserClient(node.url, ADMIN.email, ADMIN.password)))
  }, 60_000)

  afterAll(async () => {
    await pair?.stop()
  })

  it("applies a change made through one process to the other's next request", async () => {
    await admins[0]!.settings.update({ meta: { appName: "Shared" } })
    expect((await admins[1]!.settings.getAll()).meta.appName).toBe("Shared")
  })

  it("counts one rate limit across both processes", async () => {
    await admins[0]!.settings.update({ rateLimits: { enabled: true, rules: [{ label: "/api/health", maxRequests: 3, duration: 60, audience: "" }] } })
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${nodes[i % 2]!.url}/api/health`)).status)
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429])
    await admins[1]!.settings.update({ rateLimits: { enabled: false } })
    expect((await fetch(`${nodes[0]!.url}/api/health`)).status).toBe(200)
  })
})
