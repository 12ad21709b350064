/**
 * Rate limits, trusted proxy, superuser IPs and the superuser health fields, all driven by the
 * settings: 429s in PocketBase's shape per collection action, method+path and path prefix,
 * audiences, superusers and excluded IPs exempt, changes holding for the next request, counters
 * shared between processes through Redis; the same sequences compared with the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { referenceExecutable, startPocketbun, startReference, type PocketbunServer, type TestServer } from "../support/servers.ts"
import { useServer } from "../support/lifecycle.ts"
import { rawRequest, type RawRequest } from "../support/raw-request.ts"
import { redisUnavailable, startRedis, type TestRedis } from "../support/redis.ts"
import { RedisRateCounters } from "../../src/rate-limits/index.ts"

const TOO_MANY = { data: {}, message: "Too Many Requests.", status: 429 }

// Guest requests unless `guest: false` is given.
async function statuses(server: TestServer, count: number, request: RawRequest): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < count; i++) out.push((await rawRequest(server, { guest: true, ...request })).status)
  return out
}

const rules = (...list: Array<{ label: string; maxRequests: number; duration?: number; audience?: string }>) => ({
  rateLimits: { enabled: true, rules: list.map((rule) => ({ duration: 60, audience: "", ...rule })) },
})

describe("rate limits (pocketbun)", () => {
  const pocketbun = useServer(startPocketbun)
  let server: PocketbunServer

  beforeAll(async () => {
    server = pocketbun()
    await server.admin.collections.update("users", { createRule: "", listRule: "" })
  })

  it("answers 429 in PocketBase's shape past a collection action's limit, superusers exempt", async () => {
    await server.admin.settings.update(rules({ label: "users:list", maxRequests: 2 }))
    expect(await statuses(server, 3, { path: "/api/collections/users/records" })).toEqual([200, 200, 429])
    const response = await fetch(`${server.url}/api/collections/users/records`)
    expect(await response.json()).toEqual(TOO_MANY)
    expect(await statuses(server, 3, { path: "/api/collections/users/records", guest: false })).toEqual([200, 200, 200])
  })

  it("matches *:action, method+path, path prefixes and audiences", async () => {
    await server.admin.settings.update(rules({ label: "*:auth", maxRequests: 1 }, { label: "GET /api/health", maxRequests: 2 }, { label: "/api/collections/", maxRequests: 100 }))
    const login = { method: "POST", path: "/api/collections/users/auth-with-password", body: { identity: "x@example.com", password: "wrong-password" } }
    expect(await statuses(server, 2, login)).toEqual([400, 429])
    expect(await statuses(server, 3, { path: "/api/health" })).toEqual([200, 200, 429])

    await server.admin.settings.update(rules({ label: "/api/", maxRequests: 1, audience: "@auth" }))
    expect(await statuses(server, 2, { path: "/api/health" })).toEqual([200, 200]) // guests are not in the audience
  })

  it("holds a changed limit for the next request and exempts excluded IPs", async () => {
    await server.admin.settings.update(rules({ label: "/api/health", maxRequests: 1 }))
    expect(await statuses(server, 2, { path: "/api/health" })).toEqual([200, 429])
    await server.admin.settings.update({ rateLimits: { excludedIPs: ["127.0.0.0/8"] } })
    expect(await statuses(server, 2, { path: "/api/health" })).toEqual([200, 200])
    await server.admin.settings.update({ rateLimits: { enabled: false, excludedIPs: [] } })
    expect(await statuses(server, 3, { path: "/api/health" })).toEqual([200, 200, 200])
  })

  it("takes the client IP from trusted proxy headers only, and reports it in health", async () => {
    const health = async (headers: Record<string, string> = {}) =>
      ((await rawRequest(server, { path: "/api/health", headers })).body as { data: Record<string, unknown> }).data
    const forwarded = { "X-Forwarded-For": "203.0.113.9, 198.51.100.7" }
    expect(await health(forwarded)).toEqual({ canBackup: true, realIP: "127.0.0.1", possibleProxyHeader: "" })
    await server.admin.settings.update({ trustedProxy: { headers: ["X-Forwarded-For"], useLeftmostIP: false } })
    expect(await health(forwarded)).toEqual({ canBackup: true, realIP: "198.51.100.7", possibleProxyHeader: "X-Forwarded-For" })
    await server.admin.settings.update({ trustedProxy: { useLeftmostIP: true } })
    expect((await health(forwarded)).realIP).toBe("203.0.113.9")

    // the rate limit counts per resolved client IP
    await server.admin.settings.update(rules({ label: "/api/health", maxRequests: 1 }))
    expect(await statuses(server, 2, { path: "/api/health", headers: { "X-Forwarded-For": "192.0.2.1" } })).toEqual([200, 429])
    expect(await statuses(server, 1, { path: "/api/health", headers: { "X-Forwarded-For": "192.0.2.2" } })).toEqual([200])
    await server.admin.settings.update({ rateLimits: { enabled: false }, trustedProxy: { headers: [] } })
  })

  it("refuses superusers outside superuserIPs", async () => {
    await server.admin.settings.update({ trustedProxy: { headers: ["X-Real-IP"] }, superuserIPs: ["10.1.0.0/16"] })
    const asAdmin = (ip: string) => statuses(server, 1, { path: "/api/settings", guest: false, headers: { "X-Real-IP": ip } })
    expect(await asAdmin("10.2.0.1")).toEqual([403])
    expect(await asAdmin("10.1.3.4")).toEqual([200])
    expect(await statuses(server, 1, { path: "/api/health" })).toEqual([200]) // guests unaffected
    await server.admin.settings.update({ superuserIPs: [], trustedProxy: { headers: [] } }, { headers: { "X-Real-IP": "10.1.3.4" } })
  })
})

describe.skipIf(redisUnavailable() !== null)("rate limit counters shared through Redis", () => {
  let redis: TestRedis
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(() => redis.dispose())

  it("counts requests of every process against one limit", async () => {
    const processes = [new RedisRateCounters(redis.url), new RedisRateCounters(redis.url)]
    const results = [await processes[0]!.consume("rule|1.2.3.4", 3, 60), await processes[1]!.consume("rule|1.2.3.4", 3, 60), await processes[0]!.consume("rule|1.2.3.4", 3, 60), await processes[1]!.consume("rule|1.2.3.4", 3, 60)]
    expect(results).toEqual([true, true, true, false])
    for (const counters of processes) counters.close()
  })
})
if (redisUnavailable()) console.log(`skipping shared rate limit counters: ${redisUnavailable()}`)

const reference = referenceExecutable()
if (!reference.path) console.log(`skipping the rate limits differential run: ${reference.reason}`)

describe.skipIf(!reference.path)("rate limits and health answer as the reference does", () => {
  const ours = useServer(startPocketbun)
  const theirs = useServer(startReference)
  const both = async <T>(run: (server: TestServer) => Promise<T>): Promise<[T, T]> => [await run(ours()), await run(theirs())]

  it("limits logins per collection action with the same statuses and body", async () => {
    const [mine, theirsAnswer] = await both(async (server) => {
      await server.admin.settings.update(rules({ label: "users:authWithPassword", maxRequests: 2 }))
      const login = { method: "POST", path: "/api/collections/users/auth-with-password", body: { identity: "nobody@example.com", password: "wrong-password" } }
      const sequence = await statuses(server, 3, login)
      const last = (await rawRequest(server, { ...login, guest: true })).body
      await server.admin.settings.update({ rateLimits: { enabled: false } })
      return { sequence, last }
    })
    expect(mine).toEqual(theirsAnswer)
    expect(mine.last).toEqual(TOO_MANY)
  })

  it("reports the same health fields behind a trusted proxy", async () => {
    const [mine, theirsAnswer] = await both(async (server) => {
      await server.admin.settings.update({ trustedProxy: { headers: ["X-Forwarded-For"], useLeftmostIP: false } })
      const body = await rawRequest(server, { path: "/api/health", headers: { "X-Forwarded-For": "203.0.113.9, 198.51.100.7", "CF-Connecting-IP": "1.1.1.1" } })
      const guest = await rawRequest(server, { path: "/api/health", guest: true, headers: { "Fly-Client-IP": "2.2.2.2" } })
      await server.admin.settings.update({ trustedProxy: { headers: [] } })
      const untrusted = await rawRequest(server, { path: "/api/health", headers: { "Fly-Client-IP": "2.2.2.2" } })
      return { body, guest, untrusted }
    })
    expect(mine).toEqual(theirsAnswer)
  })
})
