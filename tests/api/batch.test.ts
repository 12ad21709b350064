/**
 * Batch requests through the SDK (`pb.createBatch()`): off until enabled, create/update/upsert/
 * delete across collections in one transaction, JSON and multipart with files, per-item rules,
 * a failing item rolling back every item with PocketBase's `data.requests.<i>` error, realtime
 * events only after the commit and in item order (none for a rolled-back batch), the
 * maxRequests/maxBodySize limits, and other requests never caught in a batch's transaction; the
 * same requests compared with the reference.
 */
import { beforeAll, describe, expect, it } from "bun:test"
import type PocketBase from "pocketbase"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { errorBody, failure } from "../support/records-fixture.ts"
import { useServer } from "../support/lifecycle.ts"
import { describeAnswersAlike } from "../support/raw-request.ts"
import { EventCollector, type RecordEventData } from "../support/realtime.ts"
import { ApiError } from "../../src/core/errors.ts"

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 9, 9, 9])
const OPEN = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" }

describe("batch (pocketbun)", () => {
  const pocketbun = useServer(startPocketbun)
  let server: PocketbunServer
  let admin: PocketBase

  beforeAll(async () => {
    server = pocketbun()
    admin = server.admin
    await admin.collections.create({ name: "posts", ...OPEN, fields: [{ name: "title", type: "text", required: true }] })
    await admin.collections.create({
      name: "notes",
      ...OPEN,
      createRule: "@request.auth.id != ''",
      fields: [{ name: "text", type: "text" }, { name: "photo", type: "file", maxSelect: 1, maxSize: 1000 }],
    })
  })

  const titles = async () => (await admin.collection("posts").getFullList({ sort: "title" })).map((post) => post.title)

  it("answers 403 until settings.batch.enabled", async () => {
    const batch = admin.createBatch()
    batch.collection("posts").create({ title: "never" })
    expect(errorBody(await failure(batch.send()))).toEqual({ status: 403, message: "Batch requests are not allowed.", data: {} })
    await admin.settings.update({ batch: { enabled: true, maxRequests: 5 } })
  })

  it("creates, updates, upserts and deletes across collections in one go", async () => {
    const existing = await admin.collection("posts").create({ title: "existing" })
    const doomed = await admin.collection("posts").create({ title: "doomed" })
    const batch = admin.createBatch()
    batch.collection("posts").create({ title: "created" }, { fields: "title" })
    batch.collection("posts").update(existing.id, { title: "updated" })
    batch.collection("posts").upsert({ id: "upsertedpost001", title: "upserted" })
    batch.collection("posts").upsert({ id: "upsertedpost001", title: "upserted twice" })
    batch.collection("posts").delete(doomed.id)
    const results = await batch.send()
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 204])
    expect(results[0]!.body).toEqual({ title: "created" })
    expect(results[1]!.body).toMatchObject({ id: existing.id, title: "updated" })
    expect(results[3]!.body).toMatchObject({ id: "upsertedpost001", title: "upserted twice" })
    expect(results[4]!.body).toBeNull()
    expect(await titles()).toEqual(["created", "updated", "upserted twice"])
  })

  it("rolls every item back when one fails and names it as PocketBase does", async () => {
    const before = await titles()
    const batch = admin.createBatch()
    batch.collection("posts").create({ title: "rolled back" })
    batch.collection("posts").create({})
    const error = errorBody(await failure(batch.send()))
    expect(error).toEqual({
      status: 400,
      message: "Batch transaction failed.",
      data: {
        requests: {
          "1": {
            code: "batch_request_failed",
            message: "Batch request failed.",
            response: { status: 400, message: "Failed to create record.", data: { title: { code: "validation_required", message: "Cannot be blank." } } },
          },
        },
      },
    })
    expect(await titles()).toEqual(before)
  })

  it("applies each collection's rules to each item", async () => {
    const guest = server.client()
    const batch = guest.createBatch()
    batch.collection("posts").create({ title: "by a guest" })
    batch.collection("notes").create({ text: "needs auth" })
    const error = errorBody(await failure(batch.send()))
    expect(error.data.requests["1"].response).toEqual({ status: 400, message: "Failed to create record.", data: {} })
    expect(await titles()).not.toContain("by a guest")
  })

  it("runs the request and model hooks per item, after-success hooks only for a committed batch", async () => {
    const { hooks } = server.app
    const created: string[] = []
    const contexts: string[] = []
    hooks.onRecordCreateRequest.bindFunc(async (e) => {
      contexts.push(e.request.context)
      if (e.record.title === "blocked") throw new ApiError(400, "Blocked by a hook.")
      await e.next()
    }, "posts")
    hooks.onRecordAfterCreateSuccess.bindFunc((e) => {
      created.push(String(e.record.title))
      e.next()
    }, "posts")
    const failing = admin.createBatch()
    failing.collection("posts").create({ title: "hooked one" })
    failing.collection("posts").create({ title: "blocked" })
    const error = errorBody(await failure(failing.send()))
    expect(error.data.requests["1"].response).toEqual({ status: 400, message: "Blocked by a hook.", data: {} })
    expect(created).toEqual([])
    const batch = admin.createBatch()
    batch.collection("posts").create({ title: "hooked two" })
    await batch.send()
    expect(created).toEqual(["hooked two"])
    expect(contexts).toEqual(["batch", "batch", "batch"])
  })

  it("uploads files from multipart batches, and writes none for a failed batch", async () => {
    const batch = admin.createBatch()
    batch.collection("notes").create({ text: "with photo", photo: new File([PNG], "photo.png") })
    const [result] = await batch.send()
    const note = result!.body as { id: string; photo: string; collectionId: string }
    expect(note.photo).toMatch(/^photo_\w+\.png$/)
    const download = await fetch(`${server.url}/api/files/${note.collectionId}/${note.id}/${note.photo}`)
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PNG)

    const failing = admin.createBatch()
    failing.collection("notes").create({ text: "orphan", photo: new File([PNG], "orphan.png") })
    failing.collection("posts").create({})
    await failure(failing.send())
    expect((await admin.collection("notes").getFullList()).map((n) => n.text)).toEqual(["with photo"])
    const stored = Array.from(new Bun.Glob("**/orphan*").scanSync({ cwd: server.dir }))
    expect(stored).toEqual([])
  })

  it("sends realtime events after the commit in item order, and none for a rolled-back batch", async () => {
    const events = new EventCollector<RecordEventData>("posts/*")
    const unsubscribe = await admin.collection("posts").subscribe("*", events.push)
    try {
      const failing = admin.createBatch()
      failing.collection("posts").create({ title: "ghost" })
      failing.collection("posts").create({})
      await failure(failing.send())

      const batch = admin.createBatch()
      for (const title of ["first", "second", "third"]) batch.collection("posts").create({ title })
      await batch.send()
      const received = [await events.next(), await events.next(), await events.next()]
      expect(received.map((event) => [event.action, event.record.title])).toEqual([["create", "first"], ["create", "second"], ["create", "third"]])
      expect(events.all.map((event) => event.record.title)).not.toContain("ghost")
    } finally {
      await unsubscribe()
    }
  })

  it("gives up past batch.timeout and keeps none of the items", async () => {
    await admin.collections.create({ name: "slow", ...OPEN, fields: [{ name: "title", type: "text" }] })
    server.app.hooks.onRecordCreateRequest.bindFunc(async (e) => {
      await Bun.sleep(600)
      await e.next()
    }, "slow")
    await admin.settings.update({ batch: { timeout: 1 } })
    const batch = admin.createBatch()
    for (const title of ["a", "b", "c"]) batch.collection("slow").create({ title })
    expect(errorBody(await failure(batch.send()))).toEqual({ status: 400, message: "Batch transaction failed.", data: {} })
    expect(await admin.collection("slow").getFullList()).toEqual([])
    await admin.settings.update({ batch: { timeout: 3 } })
  })

  it("enforces maxRequests and maxBodySize from the settings at once", async () => {
    const tooMany = admin.createBatch()
    for (let i = 0; i < 6; i++) tooMany.collection("posts").create({ title: `n${i}` })
    const error = errorBody(await failure(tooMany.send()))
    expect(error.data.requests).toEqual({ code: "validation_length_too_long", message: "The length must be no more than 5.", params: { max: 5, min: 0 } })

    await admin.settings.update({ batch: { maxBodySize: 64 } })
    const big = admin.createBatch()
    big.collection("posts").create({ title: "x".repeat(200) })
    expect(errorBody(await failure(big.send())).status).toBe(413)
    await admin.settings.update({ batch: { maxBodySize: 0 } })
  })

  it("keeps batches that queued behind one apart: a failing one is undone alone, events follow the commit in order", async () => {
    server.app.hooks.onRecordCreateRequest.bindFunc(async (e) => {
      if (e.record.title === "holding") await Bun.sleep(200)
      await e.next()
    }, "posts")
    const events = new EventCollector<RecordEventData>("posts/*")
    const unsubscribe = await admin.collection("posts").subscribe("*", events.push)
    try {
      const send = (...creates: Array<Record<string, unknown>>) => {
        const batch = admin.createBatch()
        for (const body of creates) batch.collection("posts").create(body)
        return batch.send()
      }
      const holding = send({ title: "holding" }, { title: "queued a" })
      const queued: Array<Promise<unknown>> = []
      for (const creates of [[{ title: "queued b" }], [{ title: "queued c" }, {}], [{ title: "queued d" }]]) {
        await Bun.sleep(20)
        queued.push(send(...creates))
      }
      const [first, b, c, d] = await Promise.allSettled([holding, ...queued])
      expect([first, b, c, d].map((outcome) => outcome!.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"])
      expect(errorBody((c as PromiseRejectedResult).reason).data.requests["1"].code).toBe("batch_request_failed")
      const received = await Promise.all(Array.from({ length: 4 }, () => events.next()))
      expect(received.map((event) => event.record.title)).toEqual(["holding", "queued a", "queued b", "queued d"])
      const after = await titles()
      expect(after).toEqual(expect.arrayContaining(["holding", "queued a", "queued b", "queued d"]))
      expect(after).not.toContain("queued c")
    } finally {
      await unsubscribe()
    }
  })

  it("passes each item through custom routes and middlewares while there are any", async () => {
    const seen: string[] = []
    const unbind = server.app.services.routes.use((e) => {
      seen.push(`${e.request.method} ${e.request.url.path}`)
      return e.next()
    })
    try {
      const batch = admin.createBatch()
      batch.collection("posts").create({ title: "seen one" })
      batch.collection("posts").create({ title: "seen two" }, { fields: "title" })
      const results = await batch.send()
      expect(results.map((result) => result.status)).toEqual([200, 200])
      expect(results[1]!.body).toEqual({ title: "seen two" })
      expect(seen).toEqual(["POST /api/batch", "POST /api/collections/posts/records", "POST /api/collections/posts/records"])
    } finally {
      unbind()
    }
  })

  it("keeps concurrent single requests out of a batch's transaction", async () => {
    const batch = admin.createBatch()
    for (let i = 0; i < 4; i++) batch.collection("posts").create({ title: `batch ${i}` })
    batch.collection("posts").create({})
    const singles = Array.from({ length: 5 }, (_, i) => admin.collection("posts").create({ title: `single ${i}` }))
    const [batchResult] = await Promise.allSettled([batch.send(), ...singles])
    expect(batchResult.status).toBe("rejected")
    const after = await titles()
    for (let i = 0; i < 5; i++) expect(after).toContain(`single ${i}`)
    for (let i = 0; i < 4; i++) expect(after).not.toContain(`batch ${i}`)
  })
})

// Both servers get the same collection first; bodies pick fields without random ids or times.
describeAnswersAlike("batch answers as the reference does", [
  { method: "POST", path: "/api/batch", body: { requests: [] } },
  { method: "PATCH", path: "/api/settings", body: { batch: { enabled: true, maxRequests: 3 } } },
  { method: "POST", path: "/api/batch", body: { requests: [] } },
  { method: "POST", path: "/api/batch", body: {} },
  { method: "POST", path: "/api/batch", body: "xx" },
  { method: "POST", path: "/api/batch", body: { requests: 5 } },
  { method: "POST", path: "/api/batch", body: { requests: [{}, {}, {}, {}] } },
  { method: "POST", path: "/api/batch", body: { requests: [{}, { method: "post", url: "/x" }, { method: "HEAD", url: "x" }] } },
  { method: "POST", path: "/api/batch", body: { requests: [{ method: "GET", url: "/api/collections/posts/records" }] } },
  {
    method: "POST",
    path: "/api/batch",
    body: { requests: [{ method: "POST", url: "/api/collections/posts/records", body: { title: "a" } }, { method: "POST", url: "/api/collections/posts/records", body: {} }] },
  },
  {
    method: "POST",
    path: "/api/batch",
    body: {
      requests: [
        { method: "POST", url: "/api/collections/posts/records?fields=title", body: { title: "a" } },
        { method: "PUT", url: "/api/collections/posts/records?fields=id,title", body: { id: "aaaaaaaaaaaaaaa", title: "b" } },
        { method: "PUT", url: "/api/collections/posts/records?fields=id,title", body: { id: "aaaaaaaaaaaaaaa", title: "c" } },
      ],
    },
  },
  {
    method: "POST",
    path: "/api/batch",
    body: { requests: [{ method: "DELETE", url: "/api/collections/posts/records/aaaaaaaaaaaaaaa" }, { method: "DELETE", url: "/api/collections/posts/records/missing" }] },
  },
  { method: "GET", path: "/api/collections/posts/records?fields=title&sort=title" },
  { method: "POST", path: "/api/batch", body: { requests: [{ method: "POST", url: "/api/collections/posts/records?fields=title", body: { title: "guest" } }] }, guest: true },
  // Rules see each item's headers over the batch's; collection rate limits count every item.
  { method: "POST", path: "/api/batch", body: { requests: [tagged("h1", { "X-Tag": "ok" }), tagged("h2")] }, guest: true },
  { method: "POST", path: "/api/batch", body: { requests: [tagged("h3"), tagged("h4", { "x-tag": "no" })] }, guest: true, headers: { "x-tag": "ok" } },
  { method: "POST", path: "/api/batch", body: { requests: [tagged("h5")] }, guest: true, headers: { "x-tag": "ok" } },
  { method: "PATCH", path: "/api/settings?fields=rateLimits.enabled", body: { rateLimits: { enabled: true, rules: [{ label: "tagged:create", maxRequests: 2, duration: 60 }] } } },
  { method: "POST", path: "/api/batch", body: { requests: [tagged("h6"), tagged("h7"), tagged("h8")] }, guest: true, headers: { "x-tag": "ok" } },
  { method: "GET", path: "/api/collections/tagged/records?fields=title&sort=title" },
], async (server) => {
  await server.admin.collections.create({ name: "posts", type: "base", ...OPEN, fields: [{ name: "title", type: "text", required: true }] })
  await server.admin.collections.create({ name: "tagged", type: "base", ...OPEN, createRule: "@request.headers.x_tag = 'ok'", fields: [{ name: "title", type: "text" }] })
})

function tagged(title: string, headers?: Record<string, string>) {
  return { method: "POST", url: "/api/collections/tagged/records?fields=title", body: { title }, ...(headers ? { headers } : {}) }
}
