/**
 * Group commit through the records API: concurrent writes share SQLite transactions, yet each
 * request keeps its own outcome (a refused one undoes nothing of its neighbours) and realtime
 * events go out only for what committed.
 */
import { afterEach, describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { startPocketbun } from "../support/servers.ts"
import { about, EventCollector, SdkClients, type RecordEventData } from "../support/realtime.ts"

const server = useServer(() => startPocketbun())
const sdk = new SdkClients()
afterEach(() => sdk.closeAll())

const post = (path: string, body: unknown) =>
  fetch(`${server().url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

describe("group commit", () => {
  it("concurrent creates with failing ones mid-group: the others commit, and only they reach subscribers", async () => {
    await server().admin.collections.create({ name: "notes", listRule: "", viewRule: "", createRule: "", fields: [{ name: "title", type: "text", required: true }] })
    const pb = await sdk.make(server())
    const events = new EventCollector<RecordEventData>("notes/*")
    await pb.collection("notes").subscribe("*", events.push)
    const { groupStats } = server().app.services.store
    const before = { ...groupStats }

    // 40 creates sent at once; #13 misses its required title, #27 reuses #3's chosen id.
    const bodies = Array.from({ length: 40 }, (_, i) => ({ id: `note${String(i).padStart(11, "0")}`, title: `note ${i}` }))
    bodies[13] = { id: bodies[13]!.id, title: "" }
    bodies[27] = { id: bodies[3]!.id, title: "same id as #3" }
    const answers = await Promise.all(bodies.map((body) => post("/api/collections/notes/records", body)))
    const statuses = answers.map((a) => a.status)
    const failed = statuses.flatMap((s, i) => (s === 200 ? [] : [i]))
    expect(failed).toEqual([13, 27])
    expect(statuses[13]).toBe(400)
    expect(((await answers[13]!.json()) as { data: Record<string, { code: string }> }).data.title?.code).toBe("validation_required")
    expect(((await answers[27]!.json()) as { data: Record<string, { code: string }> }).data.id?.code).toBe("validation_not_unique")

    const stored = await server().admin.collection("notes").getFullList({ sort: "id" })
    expect(stored.map((r) => r.id)).toEqual(bodies.flatMap((b, i) => (i === 13 || i === 27 ? [] : [b.id])))
    expect(stored.find((r) => r.id === bodies[3]!.id)?.title).toBe("note 3")
    // The writes shared transactions: fewer COMMITs than writes.
    const commits = groupStats.commits - before.commits
    const writes = groupStats.writes - before.writes
    expect(writes).toBeGreaterThanOrEqual(38)
    expect(commits).toBeLessThan(writes)

    for (const b of bodies.filter((_, i) => i !== 13 && i !== 27)) await events.find(about("create", b.id), `create ${b.id}`)
    await post("/api/collections/notes/records", { id: "zzzzzzzzzzzzzzz", title: "last" })
    await events.find(about("create", "zzzzzzzzzzzzzzz"), "the last create")
    expect(events.all.filter((e) => e.action === "create")).toHaveLength(39)
  })

  it("an update and a delete in the same turn as creates keep their own outcomes", async () => {
    const admin = server().admin
    const a = await admin.collection("notes").create({ title: "to update" })
    const b = await admin.collection("notes").create({ title: "to delete" })
    await server().admin.collections.update("notes", { updateRule: "", deleteRule: "" })
    const patch = (id: string, body: unknown) =>
      fetch(`${server().url}/api/collections/notes/records/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
    const [updated, refused, deleted, missing, created] = await Promise.all([
      patch(a.id, { title: "updated" }),
      patch(a.id, { title: "" }),
      fetch(`${server().url}/api/collections/notes/records/${b.id}`, { method: "DELETE" }),
      fetch(`${server().url}/api/collections/notes/records/nosuchrecord123`, { method: "DELETE" }),
      post("/api/collections/notes/records", { title: "new" }),
    ])
    expect([updated.status, refused.status, deleted.status, missing.status, created.status]).toEqual([200, 400, 204, 404, 200])
    expect((await admin.collection("notes").getOne(a.id)).title).toBe("updated")
    await expect(admin.collection("notes").getOne(b.id)).rejects.toMatchObject({ status: 404 })
  })
})
