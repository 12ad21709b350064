/**
 * `expand` (single, multiple, nested, back-relations) and `fields` (nested paths, `*`,
 * `:excerpt`) on list, view, create and update. Runs against pocketbun and, where installed, the
 * reference PocketBase.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { createBlog, errorBody, failure, fixedId, OPEN_RULES, raw } from "../support/records-fixture.ts"

const ANN = fixedId("ann")
const BOB = fixedId("bob")
const P1 = fixedId("p1")
const P2 = fixedId("p2")
const P3 = fixedId("p3")
const C1 = fixedId("c1")
const C2 = fixedId("c2")
const C3 = fixedId("c3")

const HTML = "<p>Hello   <b>world</b></p><script>alert(1)</script><div>second\nblock here</div>"

for (const target of conformanceTargets()) {
  describe(`records expand and fields (${target.name})`, () => {
    let server: TestServer

    beforeAll(async () => {
      server = await target.start()
      const blog = await createBlog(server.admin)
      await server.admin.collections.create({
        name: "bios",
        ...OPEN_RULES,
        fields: [
          { name: "about", type: "text" },
          { name: "author", type: "relation", collectionId: blog.authors, maxSelect: 1 },
        ],
        indexes: ["CREATE UNIQUE INDEX idx_bios_author ON bios (author)"],
      })
      const admin = server.admin
      await admin.collection("authors").create({ id: ANN, name: "Ann", rank: 1 })
      await admin.collection("authors").create({ id: BOB, name: "Bob", rank: 2 })
      await admin.collection("bios").create({ about: "Ann's bio", author: ANN })
      await admin.collection("posts").create({ id: P1, title: "First", body: HTML, author: ANN, editors: [BOB, ANN] })
      await admin.collection("posts").create({ id: P2, title: "Second", author: BOB })
      await admin.collection("posts").create({ id: P3, title: "Orphan" })
      await admin.collection("comments").create({ id: C1, text: "c1", post: P1, by: BOB })
      await admin.collection("comments").create({ id: C2, text: "c2", post: P1, by: ANN })
      await admin.collection("comments").create({ id: C3, text: "c3", post: P2 })
    }, 30_000)
    afterAll(async () => {
      await server?.stop()
    })

    const posts = () => server.client().collection("posts")

    describe("expand", () => {
      it("expands a single relation into an object and a multiple one into an ordered array", async () => {
        const post = await posts().getOne(P1, { expand: "author,editors" })
        expect(post.expand?.author).toMatchObject({ id: ANN, name: "Ann", collectionName: "authors" })
        expect(post.expand?.editors.map((r: { id: string }) => r.id)).toEqual([BOB, ANN])
      })

      it("gives every listed record an expand key and omits empty relations", async () => {
        const list = await posts().getFullList({ expand: "author", sort: "id" })
        expect(list.map((r) => r.expand)).toEqual([
          { author: expect.objectContaining({ id: ANN }) },
          { author: expect.objectContaining({ id: BOB }) },
          {},
        ])
      })

      it("expands nested relations", async () => {
        const comment = await server.client().collection("comments").getOne(C1, { expand: "post.author,post.editors,by" })
        expect(comment.expand?.by.id).toBe(BOB)
        expect(comment.expand?.post.id).toBe(P1)
        expect(comment.expand?.post.expand.author.name).toBe("Ann")
        expect(comment.expand?.post.expand.editors).toHaveLength(2)
      })

      it("expands back-relations as arrays, nested too", async () => {
        const post = await posts().getOne(P1, { expand: "comments_via_post.by" })
        const comments = post.expand?.comments_via_post as Array<Record<string, any>>
        expect(comments.map((c) => c.id).sort()).toEqual([C1, C2])
        expect(comments.find((c) => c.id === C1)?.expand.by.name).toBe("Bob")
        const author = await server.client().collection("authors").getOne(ANN, { expand: "posts_via_author.comments_via_post" })
        const authored = author.expand?.posts_via_author as Array<Record<string, any>>
        expect(authored.map((p) => p.id)).toEqual([P1])
        expect(authored[0]!.expand.comments_via_post).toHaveLength(2)
      })

      it("expands a back-relation through a unique field into a single object", async () => {
        const author = await server.client().collection("authors").getOne(ANN, { expand: "bios_via_author" })
        expect(author.expand?.bios_via_author).toMatchObject({ about: "Ann's bio", author: ANN })
      })

      it("ignores an unknown expand path and still answers 200", async () => {
        const post = await posts().getOne(P1, { expand: "nope,author" })
        expect(post.expand?.author.id).toBe(ANN)
        expect(post.expand?.nope).toBeUndefined()
      })

      it("expands create and update responses", async () => {
        const created = await posts().create({ title: "New", author: BOB }, { expand: "author" })
        expect(created.expand?.author.name).toBe("Bob")
        const updated = await posts().update(created.id, { "editors+": ANN }, { expand: "editors" })
        expect(updated.expand?.editors.map((r: { id: string }) => r.id)).toEqual([ANN])
        await posts().delete(created.id)
      })
    })

    describe("fields", () => {
      it("picks top-level keys from each list item and keeps the envelope", async () => {
        const list = await posts().getList(1, 2, { fields: "id,title", sort: "id" })
        expect(list).toMatchObject({ page: 1, perPage: 2, totalItems: 3, totalPages: 2 })
        expect(list.items as unknown[]).toEqual([{ id: P1, title: "First" }, { id: P2, title: "Second" }])
      })

      it("picks nested expand fields", async () => {
        const post = await posts().getOne(P1, { expand: "author,comments_via_post", fields: "title,expand.author.name,expand.comments_via_post.text" })
        expect(post.title).toBe("First")
        expect(post.expand?.author).toEqual({ name: "Ann" })
        expect((post.expand?.comments_via_post as unknown[]).length).toBe(2)
        for (const comment of post.expand?.comments_via_post as Array<Record<string, unknown>>) expect(Object.keys(comment)).toEqual(["text"])
        expect(Object.keys(post).sort()).toEqual(["expand", "title"])
      })

      it("keeps every key with * next to a more specific path", async () => {
        const post = await posts().getOne(P2, { expand: "author", fields: "*,expand.author.rank" })
        expect(post.title).toBe("Second")
        expect(post.collectionName).toBe("posts")
        expect(post.expand).toEqual({ author: { rank: 2 } })
      })

      it("cuts text with :excerpt, stripping HTML and adding an ellipsis on request", async () => {
        const short = await posts().getOne(P1, { fields: "id,body:excerpt(12,true)" })
        expect(short as object).toEqual({ id: P1, body: "Hello world..." })
        const plain = await posts().getOne(P1, { fields: "body:excerpt(200)" })
        expect(plain.body).toBe("Hello world second block here")
        const exact = await posts().getOne(P1, { fields: "body:excerpt(5,false)" })
        expect(exact.body).toBe("Hello")
        const nonString = await posts().getOne(P1, { fields: "views:excerpt(2,true)" })
        expect(nonString.views).toBe(0)
      })

      it("ignores unknown paths", async () => {
        const post = await posts().getOne(P2, { fields: "id,nope,expand.x.y" })
        expect(post as object).toEqual({ id: P2 })
      })

      it("rejects a bad excerpt or an unknown modifier with 400", async () => {
        for (const fields of ["body:excerpt(0)", "body:excerpt(1,true,3)", "body:shout(1)"]) {
          const response = await raw(server, `/api/collections/posts/records/${P1}?fields=${encodeURIComponent(fields)}`, { admin: false })
          expect(response.status).toBe(400)
          expect(Object.keys(response.body).sort()).toEqual(["data", "message", "status"])
        }
      })

      it("does not apply fields to error bodies", async () => {
        const error = await failure(posts().getOne("doesnotexist123", { fields: "id" }))
        expect(errorBody(error)).toEqual({ status: 404, message: "The requested resource wasn't found.", data: {} })
      })

      it("picks fields on create and update responses", async () => {
        const created = await posts().create({ title: "Picked", views: 2 }, { fields: "title,views" })
        expect(created as object).toEqual({ title: "Picked", views: 2 })
      })
    })
  })
}
