/**
 * Records CRUD through the SDK: create/view/update/delete, JSON and multipart bodies, field
 * modifiers and reference handling on delete. Runs against pocketbun and, where installed, the
 * reference PocketBase.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { createBlog, errorBody, failure, fixedId, raw, type Blog } from "../support/records-fixture.ts"

for (const target of conformanceTargets()) {
  describe(`records CRUD (${target.name})`, () => {
    let server: TestServer
    let blog: Blog
    let ann: string
    let bob: string

    beforeAll(async () => {
      server = await target.start()
      blog = await createBlog(server.admin)
      ann = (await server.admin.collection("authors").create({ name: "Ann" })).id
      bob = (await server.admin.collection("authors").create({ name: "Bob" })).id
    }, 30_000)
    afterAll(async () => {
      await server?.stop()
    })

    it("creates a record from JSON and answers 200 with the stored record", async () => {
      const guest = server.client()
      const post = await guest.collection("posts").create({ title: "Hello", views: 3, published: true, tags: ["b", "a"], author: ann, meta: { k: [1, 2] } })
      expect(post.id).toMatch(/^[a-z0-9]{15}$/)
      expect(post).toMatchObject({
        collectionId: blog.posts,
        collectionName: "posts",
        title: "Hello",
        body: "",
        views: 3,
        published: true,
        tags: ["b", "a"],
        status: "",
        author: ann,
        editors: [],
        meta: { k: [1, 2] },
      })
      expect(Object.keys(post).sort()).toEqual(["author", "body", "collectionId", "collectionName", "editors", "id", "meta", "published", "status", "tags", "title", "views"])
    })

    it("fills defaults for fields missing from the body", async () => {
      const post = await server.client().collection("posts").create({ title: "Defaults" })
      expect(post).toMatchObject({ views: 0, published: false, tags: [], status: "", author: "", editors: [], meta: null, body: "" })
    })

    it("accepts a client-chosen id and rejects a duplicate", async () => {
      const id = fixedId("custom")
      const post = await server.client().collection("posts").create({ id, title: "Mine" })
      expect(post.id).toBe(id)
      const again = await failure(server.client().collection("posts").create({ id, title: "Again" }))
      expect(again.status).toBe(400)
      expect(errorBody(again).message).toBe("Failed to create record.")
      expect(errorBody(again).data.id.code).toBe("validation_not_unique")
    })

    it("views a record by id, with expand and fields", async () => {
      const created = await server.client().collection("posts").create({ title: "Viewed", author: ann })
      const viewed = await server.client().collection("posts").getOne(created.id)
      expect(viewed).toEqual(created)
      const picked = await server.client().collection("posts").getOne(created.id, { expand: "author", fields: "id,expand.author.name" })
      expect(picked as object).toEqual({ id: created.id, expand: { author: { name: "Ann" } } })
    })

    it("answers 404 with PocketBase's messages for a missing record or collection", async () => {
      const missing = await failure(server.client().collection("posts").getOne("doesnotexist123"))
      expect(errorBody(missing)).toEqual({ status: 404, message: "The requested resource wasn't found.", data: {} })
      const noCollection = await failure(server.client().collection("nope").getList())
      expect(errorBody(noCollection)).toEqual({ status: 404, message: "Missing collection context.", data: {} })
      const createMissing = await failure(server.client().collection("nope").create({ a: 1 }))
      expect(errorBody(createMissing)).toEqual({ status: 404, message: "Missing or invalid collection context.", data: {} })
      const updateMissing = await failure(server.client().collection("posts").update("doesnotexist123", { title: "x" }))
      expect(errorBody(updateMissing)).toEqual({ status: 404, message: "The requested resource wasn't found.", data: {} })
      const deleteMissing = await failure(server.client().collection("posts").delete("doesnotexist123"))
      expect(errorBody(deleteMissing)).toEqual({ status: 404, message: "The requested resource wasn't found.", data: {} })
    })

    it("finds the collection by id as well as by name", async () => {
      const created = await server.client().collection(blog.posts).create({ title: "By id" })
      expect(created.collectionName).toBe("posts")
      expect((await server.client().collection("POSTS").getOne(created.id)).id).toBe(created.id)
    })

    it("updates only the submitted fields and returns the new record", async () => {
      const created = await server.client().collection("posts").create({ title: "Before", views: 1, tags: ["a"] })
      const updated = await server.client().collection("posts").update(created.id, { title: "After" })
      expect(updated).toMatchObject({ id: created.id, title: "After", views: 1, tags: ["a"] })
      const noop = await server.client().collection("posts").update(created.id, {})
      expect(noop).toEqual(updated)
      const expanded = await server.client().collection("posts").update(created.id, { author: bob }, { expand: "author", fields: "title,expand.author.name" })
      expect(expanded as object).toEqual({ title: "After", expand: { author: { name: "Bob" } } })
    })

    it("refuses to change the id on update", async () => {
      const created = await server.client().collection("posts").create({ title: "Pk" })
      const error = await failure(server.client().collection("posts").update(created.id, { id: fixedId("changed") }))
      expect(error.status).toBe(400)
      expect(errorBody(error).message).toBe("Failed to update record.")
      expect(errorBody(error).data.id.code).toBe("validation_pk_change")
    })

    it("deletes a record with 204 and then answers 404 for it", async () => {
      const created = await server.client().collection("posts").create({ title: "Doomed" })
      const response = await raw(server, `/api/collections/posts/records/${created.id}`, { method: "DELETE", admin: false })
      expect(response).toEqual({ status: 204, body: null })
      expect((await failure(server.client().collection("posts").getOne(created.id))).status).toBe(404)
    })

    it("reads multipart bodies with value inference when the SDK sees a Blob", async () => {
      const post = await server.client().collection("posts").create({
        title: "Multipart",
        views: "12",
        published: "true",
        tags: ["c", "a"],
        meta: { nested: { ok: true } },
        ignored: new Blob(["x"]),
      })
      expect(post).toMatchObject({ title: "Multipart", views: 12, published: true, tags: ["c", "a"], meta: { nested: { ok: true } } })
    })

    it("merges @jsonPayload parts over the text parts", async () => {
      const form = new FormData()
      form.append("title", "from text part")
      form.append("views", "7")
      form.append("@jsonPayload", JSON.stringify({ title: "from payload", meta: [1, "two"] }))
      const response = await raw(server, "/api/collections/posts/records", { method: "POST", body: form, admin: false })
      expect(response.status).toBe(200)
      expect(response.body).toMatchObject({ title: "from payload", views: 7, meta: [1, "two"] })
    })

    it("reads urlencoded bodies", async () => {
      const response = await raw(server, "/api/collections/posts/records", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "title=url+encoded&views=5&tags=a&tags=d",
        admin: false,
      })
      expect(response.status).toBe(200)
      expect(response.body).toMatchObject({ title: "url encoded", views: 5, tags: ["a", "d"] })
    })

    describe("field modifiers", () => {
      it("adds to and subtracts from a number", async () => {
        const created = await server.client().collection("posts").create({ title: "Counter", views: 10 })
        const added = await server.client().collection("posts").update(created.id, { "views+": 5 })
        expect(added.views).toBe(15)
        const subtracted = await server.client().collection("posts").update(created.id, { "views-": 20 })
        expect(subtracted.views).toBe(-5)
      })

      it("appends, prepends and removes select values", async () => {
        const created = await server.client().collection("posts").create({ title: "Tags", tags: ["b"] })
        const appended = await server.client().collection("posts").update(created.id, { "tags+": "c" })
        expect(appended.tags).toEqual(["b", "c"])
        const prepended = await server.client().collection("posts").update(created.id, { "+tags": ["a"] })
        expect(prepended.tags).toEqual(["a", "b", "c"])
        const removed = await server.client().collection("posts").update(created.id, { "tags-": ["a", "c"] })
        expect(removed.tags).toEqual(["b"])
        const mixed = await server.client().collection("posts").update(created.id, { "tags-": "b", "tags+": ["d"] })
        expect(mixed.tags).toEqual(["d"])
      })

      it("keeps only the last value of a single select", async () => {
        const created = await server.client().collection("posts").create({ title: "Single", status: "draft" })
        const appended = await server.client().collection("posts").update(created.id, { "status+": "live" })
        expect(appended.status).toBe("live")
        const removed = await server.client().collection("posts").update(created.id, { "status-": "live" })
        expect(removed.status).toBe("")
      })

      it("appends, prepends and removes relation ids", async () => {
        const created = await server.client().collection("posts").create({ title: "Rel", editors: [ann] })
        const appended = await server.client().collection("posts").update(created.id, { "editors+": bob })
        expect(appended.editors).toEqual([ann, bob])
        const removed = await server.client().collection("posts").update(created.id, { "editors-": ann })
        expect(removed.editors).toEqual([bob])
        const prepended = await server.client().collection("posts").update(created.id, { "+editors": ann })
        expect(prepended.editors).toEqual([ann, bob])
      })

      it("applies modifiers on create too", async () => {
        // Keys apply shortest first; equal lengths ("tags+"/"tags-") have no defined order in PocketBase.
        const created = await server.client().collection("posts").create({ title: "Create mods", "views+": 4, tags: ["a", "b", "c"], "tags-": "a" })
        expect(created.views).toBe(4)
        expect(created.tags).toEqual(["b", "c"])
      })

      it("applies modifiers sent as multipart parts", async () => {
        const created = await server.client().collection("posts").create({ title: "Form mods", views: 2 })
        const updated = await server.client().collection("posts").update(created.id, { "views+": 3, "tags+": "c", blob: new Blob(["x"]) })
        expect(updated.views).toBe(5)
        expect(updated.tags).toEqual(["c"])
      })
    })

    describe("delete and references", () => {
      it("cascades to records whose cascadeDelete relation becomes empty", async () => {
        const post = await server.client().collection("posts").create({ title: "Parent" })
        const c1 = await server.client().collection("comments").create({ text: "one", post: post.id })
        const c2 = await server.client().collection("comments").create({ text: "two", post: post.id })
        await server.client().collection("posts").delete(post.id)
        expect((await failure(server.client().collection("comments").getOne(c1.id))).status).toBe(404)
        expect((await failure(server.client().collection("comments").getOne(c2.id))).status).toBe(404)
      })

      it("refuses with 400 when a required reference would break, and keeps everything", async () => {
        const post = await server.client().collection("posts").create({ title: "Liked" })
        const like = await server.client().collection("likes").create({ post: post.id })
        const comment = await server.client().collection("comments").create({ text: "kept", post: post.id })
        const error = await failure(server.client().collection("posts").delete(post.id))
        expect(errorBody(error)).toEqual({
          status: 400,
          message: "Failed to delete record. Make sure that the record is not part of a required relation reference.",
          data: {},
        })
        expect((await server.client().collection("posts").getOne(post.id)).id).toBe(post.id)
        expect((await server.client().collection("likes").getOne(like.id)).post).toBe(post.id)
        expect((await server.client().collection("comments").getOne(comment.id)).post).toBe(post.id)
      })

      it("removes the id from optional references and keeps the referencing record", async () => {
        const carl = await server.client().collection("authors").create({ name: "Carl" })
        const post = await server.client().collection("posts").create({ title: "Edited", author: carl.id, editors: [carl.id, ann] })
        await server.client().collection("authors").delete(carl.id)
        const after = await server.client().collection("posts").getOne(post.id)
        expect(after.author).toBe("")
        expect(after.editors).toEqual([ann])
      })
    })
  })
}
