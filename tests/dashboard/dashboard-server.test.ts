/**
 * The dashboard's server side: `/_/` serves the built files (gzip, size budget, nothing outside
 * the build), the first superuser is created through the link `serve` prints, and the same
 * works with `--workers=2`, where any process serves the UI and honours the printed link.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import PocketBase from "pocketbase"
import { signInstallToken } from "../../src/dashboard/index.ts"
import { encodeJwt } from "../../src/auth/jwt.ts"
import { buildDashboard } from "../support/browser.ts"
import { freePort, startServerProcess, type ServerProcess } from "../support/processes.ts"
import { redisUnavailable, startRedis, type TestRedis } from "../support/redis.ts"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"

/** The largest compressed JavaScript a first load may fetch. */
const FIRST_LOAD_JS_BUDGET = 300 * 1024

const installLinkIn = (output: string) => /(http:\/\/\S+\/_\/#\/install\/(\S+))/.exec(output)

const install = (url: string, body: Record<string, unknown>) =>
  fetch(`${url}/api/dashboard/install`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

describe("serving /_/", () => {
  let server: PocketbunServer
  beforeAll(async () => {
    buildDashboard()
    server = await startPocketbun()
  })
  afterAll(() => server.stop())

  it("serves index.html naming a gzipped script within the first-load budget", async () => {
    const page = await fetch(`${server.url}/_/`)
    expect(page.status).toBe(200)
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8")
    const html = await page.text()
    const scripts = [...html.matchAll(/src="\.\/([^"]+\.js)"/g)].map((m) => m[1]!)
    expect(scripts).toHaveLength(1)
    let compressed = 0
    for (const script of scripts) {
      const response = await fetch(`${server.url}/_/${script}`, { headers: { "accept-encoding": "gzip" }, decompress: false })
      expect(response.status).toBe(200)
      expect(response.headers.get("content-encoding")).toBe("gzip")
      expect(response.headers.get("cache-control")).toContain("immutable")
      compressed += (await response.arrayBuffer()).byteLength
    }
    expect(compressed).toBeGreaterThan(1000)
    expect(compressed).toBeLessThan(FIRST_LOAD_JS_BUDGET)
  })

  it("redirects /_ and answers 404 for files outside the build", async () => {
    const bare = await fetch(`${server.url}/_`, { redirect: "manual" })
    expect(bare.status).toBe(301)
    expect(bare.headers.get("location")).toBe("/_/")
    for (const path of ["/_/missing.js", "/_/..%2Fpackage.json", "/_/%2e%2e/%2e%2e/package.json", "/_/index.ts"]) {
      const response = await fetch(`${server.url}${path}`)
      expect(response.status).toBe(404)
      expect(await response.json()).toEqual({ data: {}, message: "File not found.", status: 404 })
    }
  })

  it("refuses install requests once a superuser exists", async () => {
    const token = signInstallToken(server.app.services)
    expect(await (await fetch(`${server.url}/api/dashboard/install/${token}`)).json()).toEqual({ valid: false })
    const response = await install(server.url, { token, email: "second@example.com", password: "password-123", passwordConfirm: "password-123" })
    expect(response.status).toBe(401)
  })
})

describe("first superuser from the printed link", () => {
  let root: string
  let serve: ServerProcess
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "pocketbun-install-"))
    serve = await startServerProcess(await freePort(), [`--dir=${join(root, "data")}`, `--migrationsDir=${join(root, "none")}`])
  })
  afterAll(async () => {
    await serve.kill()
    rmSync(root, { recursive: true, force: true })
  })

  it("prints a one-time link whose token creates exactly one superuser", async () => {
    const link = installLinkIn(serve.output())
    expect(link).not.toBeNull()
    const token = link![2]!
    expect(link![1]!.startsWith(`${serve.url}/_/#/install/`)).toBe(true)
    expect(await (await fetch(`${serve.url}/api/dashboard/install/${token}`)).json()).toEqual({ valid: true })

    const mismatch = await install(serve.url, { token, email: "first@example.com", password: "first-pass-1", passwordConfirm: "other" })
    expect(mismatch.status).toBe(400)
    expect(((await mismatch.json()) as { data: object }).data).toHaveProperty("passwordConfirm")
    const short = await install(serve.url, { token, email: "first@example.com", password: "short", passwordConfirm: "short" })
    expect(short.status).toBe(400)
    expect(((await short.json()) as { data: object }).data).toHaveProperty("password")

    expect((await install(serve.url, { token, email: "first@example.com", password: "first-pass-1", passwordConfirm: "first-pass-1" })).status).toBe(204)
    const pb = new PocketBase(serve.url)
    await pb.collection("_superusers").authWithPassword("first@example.com", "first-pass-1")
    expect(pb.authStore.isSuperuser).toBe(true)

    // Used up: the link no longer works.
    expect(await (await fetch(`${serve.url}/api/dashboard/install/${token}`)).json()).toEqual({ valid: false })
    expect((await install(serve.url, { token, email: "again@example.com", password: "again-pass-1", passwordConfirm: "again-pass-1" })).status).toBe(401)
  })

  it("rejects a token signed with another key", async () => {
    const forged = encodeJwt({ id: "install", type: "dashboardInstall", collectionId: "pbc_3142635823", exp: Math.floor(Date.now() / 1000) + 600 }, "guess")
    const response = await install(serve.url, { token: forged, email: "x@example.com", password: "forged-pass-1", passwordConfirm: "forged-pass-1" })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ data: {}, message: "The install link is invalid or has expired.", status: 401 })
  })
})

const noRedis = redisUnavailable()
describe.skipIf(noRedis !== null)("dashboard with --workers=2", () => {
  let root: string
  let redis: TestRedis
  let serve: ServerProcess
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "pocketbun-workers-"))
    redis = await startRedis()
    serve = await startServerProcess(await freePort(), [`--dir=${join(root, "data")}`, `--migrationsDir=${join(root, "none")}`, "--workers=2", `--realtimeBroker=${redis.url}`])
  }, 30_000)
  afterAll(async () => {
    await serve?.kill()
    await redis?.dispose()
    rmSync(root, { recursive: true, force: true })
  })

  it("serves the UI from every process and honours the link the main process printed", async () => {
    expect(serve.output().match(/#\/install\//g)).toHaveLength(1)
    const token = installLinkIn(serve.output())![2]!
    // Fresh connections spread over both workers (SO_REUSEPORT); each must serve and check alike.
    const pages = await Promise.all(Array.from({ length: 8 }, () => fetch(`${serve.url}/_/`, { headers: { connection: "close" } })))
    expect(pages.map((p) => p.status)).toEqual(Array(8).fill(200))
    const checks = await Promise.all(Array.from({ length: 8 }, () => fetch(`${serve.url}/api/dashboard/install/${token}`, { headers: { connection: "close" } }).then((r) => r.json())))
    expect(checks).toEqual(Array(8).fill({ valid: true }))
    expect((await install(serve.url, { token, email: "first@example.com", password: "first-pass-1", passwordConfirm: "first-pass-1" })).status).toBe(204)

    const admin = new PocketBase(serve.url)
    await admin.collection("_superusers").authWithPassword("first@example.com", "first-pass-1")
    const stats = await admin.send("/api/realtime/stats", {})
    expect(stats.broker).toBe("redis")
    expect(stats.nodes).toHaveLength(2)
    expect(stats.nodes.map((n: { brokerHealthy: boolean }) => n.brokerHealthy)).toEqual([true, true])
  }, 30_000)
})
