/**
 * Starting with a broker: unreachable Redis is a clear error (or a warning in optional mode),
 * `--workers=N` shares one port between processes, and Redis outages are logged once per change.
 */
import { afterAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { waitFor } from "../support/realtime.ts"
import { redisUnavailable, startRedis } from "../support/redis.ts"
import { reportMissing } from "../support/requirements.ts"
import { freePort, runCli, startServerProcess, superuserClient } from "../support/processes.ts"
import { expectWorkersShareEvents } from "../support/workers.ts"

const ADMIN = { email: "admin@example.com", password: "admin-password-123" }
const unavailable = redisUnavailable()
if (unavailable) reportMissing("the Redis worker and outage tests", unavailable)
const roots: string[] = []

function dataDir(): string {
  const root = mkdtempSync(join(tmpdir(), "pocketbun-faults-"))
  roots.push(root)
  return join(root, "pb_data")
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true })
})

describe("broker at start", () => {
  it("exits 1 with a clear error when Redis is unreachable", async () => {
    const deadPort = await freePort()
    const result = runCli("serve", `--http=127.0.0.1:${await freePort()}`, `--dir=${dataDir()}`, `--realtimeBroker=redis://127.0.0.1:${deadPort}`)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`cannot reach the realtime broker at redis://127.0.0.1:${deadPort}`)
  })

  it("starts in local-only mode with a warning when the broker is optional", async () => {
    const deadPort = await freePort()
    const server = await startServerProcess(await freePort(), [`--dir=${dataDir()}`, `--realtimeBroker=redis://127.0.0.1:${deadPort}`, "--realtimeBrokerOptional"])
    try {
      expect(server.output()).toContain("running in local-only mode")
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
    } finally {
      await server.kill()
    }
  })
})

describe.skipIf(unavailable !== null)("workers and outages through Redis", () => {
  it("serves one port from --workers=2 processes that share events", async () => {
    const redis = await startRedis()
    const dir = dataDir()
    expect(runCli("superuser", "upsert", ADMIN.email, ADMIN.password, `--dir=${dir}`).code).toBe(0)
    const server = await startServerProcess(await freePort(), [`--dir=${dir}`, `--migrationsDir=${join(dir, "none")}`, `--realtimeBroker=${redis.url}`, "--workers=2"])
    try {
      await expectWorkersShareEvents(server, ADMIN)
    } finally {
      await server.kill("SIGTERM")
      await redis.dispose()
    }
  }, 40_000)

  it("logs one line when Redis goes away and one when it is back", async () => {
    const redis = await startRedis()
    const server = await startServerProcess(await freePort(), [`--dir=${dataDir()}`, `--realtimeBroker=${redis.url}`])
    try {
      await redis.stop()
      await waitFor(() => server.output().includes("Redis unreachable"), 10_000, "the outage to be logged")
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
      await redis.start()
      await waitFor(() => server.output().includes("Redis reachable again"), 15_000, "the recovery to be logged")
      expect(server.output().split("Redis unreachable").length - 1).toBe(1)
      expect(server.output().split("Redis reachable again").length - 1).toBe(1)
    } finally {
      await server.kill()
      await redis.dispose()
    }
  }, 40_000)
})
