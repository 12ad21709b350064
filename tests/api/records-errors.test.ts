/**
 * Error shapes of the records API: rule failures (403/404/400), bad filters/sorts/bodies (400),
 * view collections, and pocketbun's more precise filter messages. Runs against pocketbun and,
 * where installed, the reference PocketBase.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { errorBody, failure, fixedId, OPEN_RULES, raw } from "../support/records-fixture.ts"

const DEFAULT_400 = { status: 400, message: "Something went wrong while processing your request.", data: {} }
const ONLY_SUPERUSERS = { status: 403, message: "Only superusers can perform this action.", data: {} }
const NOT_FOUND = { status: 404, message: "The requested resource wasn't found.", data: {} }
const NOTE = fixedId("note")

/** Filters PocketBase rejects; each entry's `where` is what pocketbun's message must mention. */
const INVALID_FILTERS = ["title = ", "title == 'x'", "(title = 'x'", "title = 'x' &&", "nope = 1", "title = 'unterminated", "title ~ 'x' ||| rank > 1"]

for (const target of conformanceTargets()) {
  describe(`records errors (${target.name})`, () => {
    let server: TestServer

    beforeAll(async () => {
      server = await target.start()
      await server.admin.collections.create({
        name: "notes",
        ...OPEN_RULES,
        fields: [
          { name: "title", type: "text" },
          { name: "rank", type: "number" },
          { name: "secret", type: "text", hidden: true },
          { name: "owner", type: "text" },
        ],
      })
      await server.admin.collections.create({ name: "locked", fields: [{ name: "title", type: "text" }] })
      await server.admin.collections.create({
        name: "guarded",
        listRule: "owner = 'me'",
        viewRule: "owner = 'me'",
        createRule: "owner = 'me'",
        updateRule: "owner = 'me'",
        deleteRule: "owner = 'me'",
        fields: [{ name: "owner", type: "text" }],
      })
      await server.admin.collections.create({ name: "notes_view", type: "view", listRule: "", viewRule: "", viewQuery: "SELECT id, title FROM notes" })
      await server.admin.collection("notes").create({ id: NOTE, title: "hello", rank: 1, secret: "s", owner: "x" })
      await server.admin.collection("locked").create({ id: NOTE, title: "locked" })
      await server.admin.collection("guarded").create({ id: NOTE, owner: "someone else" })
    }, 30_000)
    afterAll(async () => {
      await server?.stop()
    })

    it("answers 403 for guests when a rule is null, for every action", async () => {
      const locked = server.client().collection("locked")
      expect(errorBody(await failure(locked.getList()))).toEqual(ONLY_SUPERUSERS)
      expect(errorBody(await failure(locked.getOne(NOTE)))).toEqual(ONLY_SUPERUSERS)
      expect(errorBody(await failure(locked.create({ title: "x" })))).toEqual(ONLY_SUPERUSERS)
      expect(errorBody(await failure(locked.update(NOTE, { title: "x" })))).toEqual(ONLY_SUPERUSERS)
      expect(errorBody(await failure(locked.update("doesnotexist123", { title: "x" })))).toEqual(ONLY_SUPERUSERS)
      expect(errorBody(await failure(locked.delete(NOTE)))).toEqual(ONLY_SUPERUSERS)
    })

    it("hides rows a rule excludes: empty list, 404 on view/update/delete, 400 on create", async () => {
      const guarded = server.client().collection("guarded")
      expect((await guarded.getList()).items).toEqual([])
      expect(errorBody(await failure(guarded.getOne(NOTE)))).toEqual(NOT_FOUND)
      expect(errorBody(await failure(guarded.update(NOTE, { owner: "me" })))).toEqual(NOT_FOUND)
      expect(errorBody(await failure(guarded.delete(NOTE)))).toEqual(NOT_FOUND)
      expect(errorBody(await failure(guarded.create({ owner: "not me" })))).toEqual({ status: 400, message: "Failed to create record.", data: {} })
      expect((await guarded.create({ owner: "me" })).owner).toBe("me")
    })

    it("answers 403 when a guest filters or sorts by @collection or @request", async () => {
      const notes = server.client().collection("notes")
      expect(errorBody(await failure(notes.getList(1, 5, { filter: "@collection.notes.id ?= id" })))).toEqual({ status: 403, message: "Only superusers can filter by @collection.", data: {} })
      expect(errorBody(await failure(notes.getList(1, 5, { filter: "title = '@request.x'" })))).toEqual({ status: 403, message: "Only superusers can filter by @request.", data: {} })
    })

    it("rejects a guest filter or sort on a hidden field with 400", async () => {
      expect((await failure(server.client().collection("notes").getList(1, 5, { filter: "secret = 's'" }))).status).toBe(400)
      expect((await failure(server.client().collection("notes").getList(1, 5, { sort: "secret" }))).status).toBe(400)
      expect((await server.admin.collection("notes").getList(1, 5, { filter: "secret = 's'" })).totalItems).toBe(1)
    })

    it("answers 400 with the error shape for invalid filters and sorts", async () => {
      for (const filter of INVALID_FILTERS) {
        const error = await failure(server.client().collection("notes").getList(1, 5, { filter }))
        expect(error.status).toBe(400)
        expect(Object.keys(errorBody(error)).sort()).toEqual(["data", "message", "status"])
        expect(errorBody(error).data).toEqual({})
      }
      for (const sort of ["nope", "-", "@request.method"]) {
        const response = await raw(server, `/api/collections/notes/records?sort=${encodeURIComponent(sort)}`)
        expect(response.status).toBe(400)
      }
    })

    it("answers 400 for an empty entry in a sort list", async () => {
      expect((await raw(server, "/api/collections/notes/records?sort=title,,")).status).toBe(400)
    })

    it("answers 400 for an over-long filter", async () => {
      const filter = Array.from({ length: 300 }, (_, i) => `rank = ${i}`).join(" || ")
      expect((await failure(server.client().collection("notes").getList(1, 5, { filter }))).status).toBe(400)
    })

    it("words every bad filter and sort as PocketBase does: the generic 400", async () => {
      for (const filter of INVALID_FILTERS) {
        expect(errorBody(await failure(server.client().collection("notes").getList(1, 5, { filter })))).toEqual(DEFAULT_400)
      }
      for (const sort of ["nope", "-", "title,,rank"]) {
        expect(errorBody(await failure(server.client().collection("notes").getList(1, 5, { sort })))).toEqual(DEFAULT_400)
      }
    })

    it("answers the default 400 for malformed bodies and non-object JSON", async () => {
      for (const body of ["{not json", "[1,2]", "42", '"text"']) {
        const response = await raw(server, "/api/collections/notes/records", { method: "POST", headers: { "content-type": "application/json" }, body })
        expect(response).toEqual({ status: 400, body: DEFAULT_400 })
      }
    })

    it("answers 400 Unsupported Content-Type for other body types", async () => {
      const response = await raw(server, "/api/collections/notes/records", { method: "POST", headers: { "content-type": "text/plain" }, body: "title=x" })
      expect(response).toEqual({ status: 400, body: { status: 400, message: "Unsupported Content-Type.", data: {} } })
    })

    it("answers 400 for a multipart @jsonPayload that is not a JSON object", async () => {
      const form = new FormData()
      form.append("@jsonPayload", "{broken")
      const response = await raw(server, "/api/collections/notes/records", { method: "POST", body: form })
      expect(response.status).toBe(400)
      expect(Object.keys(response.body).sort()).toEqual(["data", "message", "status"])
    })

    it("lists a view collection with the fields its query derives", async () => {
      const items = (await server.client().collection("notes_view").getList()).items
      expect(items.map((r) => [r.id, r.title])).toEqual([[NOTE, "hello"]])
    })

    it("refuses writes to a view collection", async () => {
      expect((await server.client().collection("notes_view").getList()).totalItems).toBe(1)
      const unsupported = { status: 400, message: "Unsupported collection type.", data: {} }
      expect(errorBody(await failure(server.admin.collection("notes_view").create({ title: "x" })))).toEqual(unsupported)
      expect(errorBody(await failure(server.admin.collection("notes_view").update(NOTE, { title: "x" })))).toEqual(unsupported)
      expect(errorBody(await failure(server.admin.collection("notes_view").delete(NOTE)))).toEqual(unsupported)
    })

    it("keys validation errors by field name, each with code and message", async () => {
      const error = await failure(server.client().collection("notes").create({ id: "bad id", rank: "x", title: 5 }))
      expect(errorBody(error).status).toBe(400)
      expect(errorBody(error).message).toBe("Failed to create record.")
      expect(Object.keys(errorBody(error).data)).toEqual(["id"])
      expect(Object.keys(errorBody(error).data.id).sort()).toEqual(["code", "message", "params"])
    })
  })
}
