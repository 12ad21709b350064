/**
 * The logs API through the SDK (`pb.logs`): request entries with PocketBase's message, level and
 * data, filter/sort/fields, hourly stats, the `logIP`/`logAuthId`/`minLevel`/`maxDays` settings,
 * entries in `auxiliary.db`, superusers only; error answers compared with the reference.
 */
import { describe, expect, it } from "bun:test"
import { Database } from "bun:sqlite"
import { join } from "node:path"
import { startPocketbun } from "../support/servers.ts"
import { errorBody, failure } from "../support/records-fixture.ts"
import { useServer } from "../support/lifecycle.ts"
import { describeAnswersAlike } from "../support/raw-request.ts"

describe("logs API (pocketbun)", () => {
  const server = useServer(startPocketbun)

  it("logs requests as PocketBase does and lists them with filter, sort and fields", async () => {
    await fetch(`${server().url}/api/collections/users/records?x=%20y`, { headers: { "user-agent": "probe-agent", referer: "http://ref.example/" } })
    await fetch(`${server().url}/api/collections/nope/records`)
    const list = await server().admin.logs.getList(1, 10, { filter: 'data.userAgent = "probe-agent"', sort: "-created" })
    expect(list.totalItems).toBe(1)
    const entry = list.items[0]!
    expect(entry.message).toBe("GET /api/collections/users/records?x= y")
    expect(entry.level as unknown).toBe(0)
    expect(entry.data).toMatchObject({ auth: "", method: "GET", status: 200, type: "request", url: "/api/collections/users/records?x=%20y", referer: "http://ref.example/", userIP: "127.0.0.1", remoteIP: "127.0.0.1" })
    expect(typeof entry.data.execTime).toBe("number")

    const failed = await server().admin.logs.getList(1, 10, { filter: "data.status = 404 && level = 8" })
    expect(failed.items[0]!.data).toMatchObject({ error: "Missing collection context.", status: 404 })

    const picked = await server().admin.send("/api/logs", { query: { filter: 'data.userAgent = "probe-agent"', fields: "id,data.status" } })
    expect(picked.items).toEqual([{ id: entry.id, data: { status: 200 } }])
    expect((await server().admin.logs.getOne(entry.id)).id).toBe(entry.id)
  })

  it("keeps the entries in auxiliary.db beside data.db", async () => {
    await server().app.services.logs.logger.flush()
    const db = new Database(join(server().dir, "auxiliary.db"), { readonly: true })
    const { n } = db.query("SELECT count(*) AS n FROM _logs").get() as { n: number }
    db.close()
    expect(n).toBeGreaterThan(0)
  })

  it("counts entries per hour", async () => {
    const stats = await server().admin.logs.getStats({ filter: "level >= 0" })
    expect(stats.length).toBeGreaterThan(0)
    expect(stats[0]!.date).toMatch(/^\d{4}-\d\d-\d\d \d\d:00:00\.000Z$/)
    expect(stats.reduce((sum, item) => sum + item.total, 0)).toBe((await server().admin.logs.getList(1, 1, { filter: "level >= 0" })).totalItems)
  })

  it("writes the app logger's entries", async () => {
    server().app.services.logs.logger.warn("disk almost full", { freeBytes: 42 })
    const list = await server().admin.logs.getList(1, 1, { filter: 'message = "disk almost full"' })
    expect(list.items[0]).toMatchObject({ level: 4, data: { freeBytes: 42 } })
  })

  it("honours logIP, logAuthId, minLevel and maxDays", async () => {
    await server().admin.settings.update({ logs: { logIP: false, logAuthId: true } })
    await server().admin.collections.getList(1, 1, { headers: { "user-agent": "ip-check" } })
    const [withoutIp] = (await server().admin.logs.getList(1, 1, { filter: 'data.userAgent = "ip-check"' })).items
    expect(withoutIp!.data).not.toHaveProperty("userIP")
    expect(withoutIp!.data).not.toHaveProperty("remoteIP")
    expect(withoutIp!.data.authId).toBe(server().admin.authStore.record!.id)

    await server().admin.settings.update({ logs: { minLevel: 8 } })
    expect((await server().admin.logs.getList(1, 1, { filter: "level < 8" })).totalItems).toBe(0) // dropped at once
    await fetch(`${server().url}/api/health`, { headers: { "user-agent": "below-min-level" } })
    expect((await server().admin.logs.getList(1, 1, { filter: 'data.userAgent = "below-min-level"' })).totalItems).toBe(0)

    await server().admin.settings.update({ logs: { maxDays: 0, minLevel: 0 } })
    await fetch(`${server().url}/api/collections/nope/records`, { headers: { "user-agent": "logging-off" } })
    expect((await server().admin.logs.getList(1, 1)).totalItems).toBe(0)
    await server().admin.settings.update({ logs: { maxDays: 5, logIP: true } })
  })

  it("answers only superusers", async () => {
    expect(errorBody(await failure(server().client().logs.getList())).status).toBe(401)
  })
})

const LOG_ERROR_PATHS = ["/api/logs/missing-id", "/api/logs?filter=bad((", "/api/logs?filter=nope%3D1", "/api/logs?sort=nope", "/api/logs/stats?filter=bad((", "/api/logs?page=x", "/api/logs?filter=data.status%3D999&perPage=1&skipTotal=1&fields=level"]

describeAnswersAlike("logs API errors answer as the reference does", [...LOG_ERROR_PATHS.map((path) => ({ path })), { path: "/api/logs/stats", guest: true }])
