/**
 * Settings and rate limits across processes: two `serve` processes on one data directory with
 * the Redis broker. A settings change made through one process holds for the other's next
 * request, and rate limit counters are shared.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type PocketBase from "pocketbase"
import { redisUnavailable, startRedis, type TestRedis } from "../support/redis.ts"
import { freePort, runCli, startServerProcess, superuserClient, type ServerProcess } from "../support/processes.ts"

const ADMIN = { email: "admin@example.com", password: "admin-password-123" }
const unavailable = redisUnavailable()
if (unavailable) console.log(`skipping cross-process settings tests: ${unavailable}`)

describe.skipIf(unavailable !== null)("settings and rate limits across processes", () => {
  let root: string
  let redis: TestRedis
  let nodes: ServerProcess[] = []
  let admins: PocketBase[] = []

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "pocketbun-settings-cluster-"))
    const dir = join(root, "pb_data")
    redis = await startRedis()
    expect(runCli("superuser", "upsert", ADMIN.email, ADMIN.password, `--dir=${dir}`).code).toBe(0)
    const flags = [`--dir=${dir}`, `--migrationsDir=${join(root, "none")}`, `--realtimeBroker=${redis.url}`]
    nodes = await Promise.all([0, 1].map(async () => startServerProcess(await freePort(), flags)))
    admins = await Promise.all(nodes.map((node) => superuserClient(node.url, ADMIN.email, ADMIN.password)))
  }, 60_000)

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.kill()))
    await redis?.dispose()
    rmSync(root, { recursive: true, force: true })
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
