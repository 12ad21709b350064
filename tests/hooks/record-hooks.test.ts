/**
 * The hook bus driven through the official SDK against a running server: request hooks change
 * or refuse real creates, updates, deletes, views and lists; model hooks see every write
 * (cascades included) and their after-success / after-error forms; tags limit handlers to
 * collections; realtime follows what the hooks let through.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test"
import { ApiError, forbidden } from "../../src/core/errors.ts"
import type { AppHooks } from "../../src/hooks/index.ts"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { EventCollector, SdkClients, waitFor, type RecordEventData } from "../support/realtime.ts"

let server: PocketbunServer
let hooks: AppHooks
const bound: Array<() => void> = []
const sdk = new SdkClients()

/** Binds for one test only. */
function during<E>(hook: { bindFunc(fn: (e: E) => unknown, ...tags: string[]): string; unbind(...ids: string[]): void }, fn: (e: E) => unknown, ...tags: string[]): void {
  const id = hook.bindFunc(fn, ...tags)
  bound.push(() => hook.unbind(id))
}

/** Every API rule open to anyone. */
const OPEN = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" }

beforeAll(async () => {
  server = await startPocketbun()
  hooks = server.app.hooks
  const parents = await server.admin.collections.create({ name: "parents", ...OPEN, fields: [{ name: "name", type: "text" }] })
  await server.admin.collections.create({
    name: "posts",
    ...OPEN,
    fields: [
      { name: "title", type: "text" },
      { name: "slug", type: "text" },
      { name: "parent", type: "relation", collectionId: parents.id, maxSelect: 1, cascadeDelete: true },
    ],
    indexes: ["CREATE UNIQUE INDEX idx_posts_slug ON posts (slug) WHERE slug != ''"],
  })
  await server.admin.collections.create({ name: "notes", createRule: "", listRule: "", fields: [{ name: "title", type: "text" }] })
}, 30_000)
afterEach(async () => {
  for (const unbind of bound.splice(0)) unbind()
  await sdk.closeAll()
})
afterAll(async () => {
  await server?.stop()
})

describe("record request hooks", () => {
  it("a create request hook changes the record that is saved and returned", async () => {
    during(hooks.onRecordCreateRequest, (e) => {
      e.record.title = String(e.record.title).trim().toUpperCase()
      return e.next()
    }, "posts")
    const pb = await sdk.make(server)
    const created = await pb.collection("posts").create({ title: "  hello  " })
    expect(created.title).toBe("HELLO")
    expect((await server.admin.collection("posts").getOne(created.id)).title).toBe("HELLO")
  })

  it("a create request hook that throws an ApiError answers with it and stores nothing", async () => {
    during(hooks.onRecordCreateRequest, () => {
      throw new ApiError(422, "Titles are closed today.", { title: { code: "closed", message: "Closed." } })
    })
    const pb = await sdk.make(server)
    const before = (await server.admin.collection("posts").getList(1, 1)).totalItems
    const error = await pb.collection("posts").create({ title: "refused" }).catch((e) => e)
    expect(error.status).toBe(422)
    expect(error.response).toEqual({ status: 422, message: "Titles are closed today.", data: { title: { code: "closed", message: "Closed." } } })
    expect((await server.admin.collection("posts").getList(1, 1)).totalItems).toBe(before)
  })

  it("an async hook may await before letting the write go on", async () => {
    during(hooks.onRecordCreateRequest, async (e) => {
      await Bun.sleep(5)
      e.record.slug = `async-${e.record.title}`
      await e.next()
    })
    const created = await (await sdk.make(server)).collection("posts").create({ title: "later" })
    expect(created.slug).toBe("async-later")
  })

  it("tagged handlers run only for their collections", async () => {
    let seen: string[] = []
    during(hooks.onRecordCreateRequest, (e) => (seen.push(e.collection.name), e.next()), "notes")
    const pb = await sdk.make(server)
    await pb.collection("posts").create({ title: "untagged" })
    expect(seen).toEqual([])
    await pb.collection("notes").create({ title: "tagged" })
    expect(seen).toEqual(["notes"])
  })

  it("update, delete and view request hooks can refuse; nothing changes", async () => {
    const post = await server.admin.collection("posts").create({ title: "keep" })
    during(hooks.onRecordUpdateRequest, () => {
      throw forbidden("No edits.")
    })
    during(hooks.onRecordDeleteRequest, () => {
      throw forbidden("No deletes.")
    })
    during(hooks.onRecordViewRequest, (e) => {
      if (e.record.id === post.id) throw new ApiError(404, "Hidden by a hook.")
      return e.next()
    })
    const pb = await sdk.make(server)
    await expect(pb.collection("posts").update(post.id, { title: "changed" })).rejects.toMatchObject({ status: 403, message: "No edits." })
    await expect(pb.collection("posts").delete(post.id)).rejects.toMatchObject({ status: 403, message: "No deletes." })
    await expect(pb.collection("posts").getOne(post.id)).rejects.toMatchObject({ status: 404, message: "Hidden by a hook." })
    const list = await server.admin.collection("posts").getFullList({ filter: `id = "${post.id}"` })
    expect(list.map((r) => r.title)).toEqual(["keep"])
  })

  it("a list request hook filters the page before it is rendered", async () => {
    await server.admin.collection("notes").create({ title: "public note" })
    await server.admin.collection("notes").create({ title: "secret note" })
    during(hooks.onRecordsListRequest, (e) => {
      e.records = e.records.filter((r) => !String(r.title).startsWith("secret"))
      return e.next()
    }, "notes")
    const titles = (await (await sdk.make(server)).collection("notes").getFullList()).map((r) => r.title)
    expect(titles).toContain("public note")
    expect(titles).not.toContain("secret note")
  })

  it("an auth request hook sees the authenticated record and can change the answer", async () => {
    await server.admin.collection("users").create({ email: "hooked@example.com", password: "password-123456", passwordConfirm: "password-123456" })
    const methods: string[] = []
    during(hooks.onRecordAuthRequest, (e) => {
      methods.push(e.authMethod)
      e.record = { ...e.record, name: "set by a hook" }
      return e.next()
    }, "users")
    const pb = await sdk.make(server)
    const auth = await pb.collection("users").authWithPassword("hooked@example.com", "password-123456")
    expect(auth.record.name).toBe("set by a hook")
    await pb.collection("users").authRefresh()
    expect(methods).toEqual(["password", "refresh"])
  })
})

describe("record model hooks", () => {
  it("create wraps validate and execute; after-success runs once the API's transaction committed", async () => {
    const order: string[] = []
    during(hooks.onRecordCreate, (e) => (order.push("create"), e.next(), order.push("create:after-next")), "posts")
    during(hooks.onRecordValidate, (e) => (order.push("validate"), e.next()), "posts")
    during(hooks.onRecordCreateExecute, (e) => (order.push("execute"), e.next()), "posts")
    during(hooks.onRecordAfterCreateSuccess, (e) => (order.push(`success:${e.record.title}`), e.next()), "posts")
    await (await sdk.make(server)).collection("posts").create({ title: "ordered" })
    expect(order).toEqual(["create", "validate", "execute", "create:after-next", "success:ordered"])
  })

  it("a validate hook that throws refuses the create with its error", async () => {
    during(hooks.onRecordValidate, (e) => {
      if (e.record.title === "bad") throw new ApiError(400, "Failed to create record.", { title: { code: "bad_title", message: "Bad title." } })
      e.next()
    }, "posts")
    const error = await (await sdk.make(server)).collection("posts").create({ title: "bad" }).catch((e) => e)
    expect(error.status).toBe(400)
    expect(error.response.data).toEqual({ title: { code: "bad_title", message: "Bad title." } })
  })

  it("a failed write runs the after-error hook, not the after-success one", async () => {
    const outcomes: string[] = []
    during(hooks.onRecordAfterCreateSuccess, (e) => (outcomes.push(`ok:${e.record.slug}`), e.next()), "posts")
    during(hooks.onRecordAfterCreateError, (e) => (outcomes.push(`error:${e.record.slug}`), e.next()), "posts")
    const pb = await sdk.make(server)
    await pb.collection("posts").create({ title: "one", slug: "unique-slug" })
    await expect(pb.collection("posts").create({ title: "two", slug: "unique-slug" })).rejects.toMatchObject({ status: 400 })
    expect(outcomes).toEqual(["ok:unique-slug", "error:unique-slug"])
  })

  it("a cascade runs the child's delete hooks inside the parent's, and they see the parent still stored", async () => {
    const parent = await server.admin.collection("parents").create({ name: "p" })
    const child = await server.admin.collection("posts").create({ title: "child", parent: parent.id })
    const seen: string[] = []
    during(hooks.onRecordDelete, (e) => {
      const parentStored = server.app.services.records.findById(server.app.services.collections.get("parents"), parent.id) !== null
      seen.push(`${e.collection.name}:${parentStored ? "parent stored" : "parent gone"}`)
      e.next()
    })
    during(hooks.onRecordAfterDeleteSuccess, (e) => (seen.push(`deleted ${e.collection.name}`), e.next()))
    await server.admin.collection("parents").delete(parent.id)
    expect(seen).toEqual(["parents:parent stored", "posts:parent stored", "deleted posts", "deleted parents"])
    await expect(server.admin.collection("posts").getOne(child.id)).rejects.toMatchObject({ status: 404 })
  })

  it("a model hook that does not call next() skips the write, and realtime sends nothing for it", async () => {
    const pb = await sdk.make(server)
    const events = new EventCollector<RecordEventData>("posts/*")
    await pb.collection("posts").subscribe("*", events.push)
    during(hooks.onRecordCreateExecute, (e) => {
      if (e.record.title !== "skipped") e.next()
    }, "posts")
    const skipped = await pb.collection("posts").create({ title: "skipped" })
    const kept = await pb.collection("posts").create({ title: "kept" })
    expect((await events.next()).record.id).toBe(kept.id)
    await expect(server.admin.collection("posts").getOne(skipped.id)).rejects.toMatchObject({ status: 404 })
    expect(events.all.map((e) => e.record.title)).toEqual(["kept"])
  })
})

describe("collection and realtime hooks", () => {
  it("collection hooks see creates, updates and deletes after they committed", async () => {
    const seen: string[] = []
    during(hooks.onCollectionAfterCreateSuccess, (e) => (seen.push(`created ${e.collection.name}`), e.next()))
    during(hooks.onCollectionAfterUpdateSuccess, (e) => (seen.push(`updated ${e.original?.listRule ?? "null"} -> ${e.collection.listRule}`), e.next()))
    during(hooks.onCollectionAfterDeleteSuccess, (e) => (seen.push(`deleted ${e.collection.name}`), e.next()))
    const created = await server.admin.collections.create({ name: "temp", fields: [] })
    await server.admin.collections.update(created.id, { listRule: "" })
    await server.admin.collections.delete(created.id)
    expect(seen).toEqual(["created temp", "updated null -> ", "deleted temp"])
  })

  it("collection create wraps its execute hook; after-success follows the commit", async () => {
    const order: string[] = []
    during(hooks.onCollectionCreate, (e) => (order.push("create"), e.next(), order.push("create:after-next")))
    during(hooks.onCollectionCreateExecute, (e) => (order.push(`execute:${e.collection.name}`), e.next()))
    during(hooks.onCollectionAfterCreateSuccess, (e) => (order.push("success"), e.next()))
    await server.admin.collections.create({ name: "ordered_collection", fields: [] })
    expect(order).toEqual(["create", "execute:ordered_collection", "success", "create:after-next"])
  })

  it("a collection hook that throws refuses the change", async () => {
    during(hooks.onCollectionCreate, () => {
      throw new ApiError(400, "No new collections.")
    })
    await expect(server.admin.collections.create({ name: "refused", fields: [] })).rejects.toMatchObject({ status: 400, message: "No new collections." })
    await expect(server.admin.collections.getOne("refused")).rejects.toMatchObject({ status: 404 })
  })

  it("connect and subscribe hooks see the client; a subscribe hook can change the topics", async () => {
    const connected: string[] = []
    during(hooks.onRealtimeConnectRequest, (e) => (connected.push(e.client.id), e.next()))
    during(hooks.onRealtimeSubscribeRequest, (e) => {
      e.subscriptions = e.subscriptions.filter((t) => !t.startsWith("notes"))
      return e.next()
    })
    const pb = await sdk.make(server)
    const notes = new EventCollector<RecordEventData>("notes/*")
    const posts = new EventCollector<RecordEventData>("posts/*")
    await pb.collection("notes").subscribe("*", notes.push)
    await pb.collection("posts").subscribe("*", posts.push)
    await waitFor(() => connected.length === 1, 2000, "the connect hook")
    expect(connected[0]).toBe(pb.realtime.clientId)
    await server.admin.collection("notes").create({ title: "dropped" })
    const post = await server.admin.collection("posts").create({ title: "delivered" })
    expect((await posts.next()).record.id).toBe(post.id)
    expect(notes.all).toEqual([])
  })
})
