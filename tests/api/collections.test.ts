/**
 * Collections API conformance: runs against pocketbun and, where installed, the reference PocketBase.
 */
import { beforeAll, describe, expect, it } from "bun:test"
import { conformanceTargets, startPocketbun, type TestServer } from "../support/servers.ts"
import { failure } from "../support/records-fixture.ts"
import { useServer } from "../support/lifecycle.ts"

const fieldTypes = [
  { name: "title", type: "text", required: true, max: 200 },
  { name: "views", type: "number", onlyInt: true },
  { name: "published", type: "bool" },
  { name: "meta", type: "json" },
  { name: "status", type: "select", values: ["draft", "live"], maxSelect: 1 },
  { name: "due", type: "date" },
]

for (const target of conformanceTargets()) {
  describe(`collections API (${target.name})`, () => {
    const current = useServer(target.start)
    let server: TestServer
    beforeAll(() => {
      server = current()
    })

    it("starts with _superusers and users, with PocketBase's ids", async () => {
      const users = await server.admin.collections.getOne("users")
      expect(users.id).toBe("_pb_users_auth_")
      expect(users.type).toBe("auth")
      expect(users.listRule).toBe("id = @request.auth.id")
      expect(users.fields.map((f: { name: string }) => f.name)).toEqual(["id", "password", "tokenKey", "email", "emailVisibility", "verified", "name", "avatar", "created", "updated"])
      const superusers = await server.admin.collections.getOne("_superusers")
      expect(superusers.id).toBe("pbc_3142635823")
      expect(superusers.system).toBe(true)
      expect((superusers as Record<string, any>).authToken).toEqual({ duration: 86400 })
    })

    it("creates a base collection with every basic field type and a relation", async () => {
      const collection = await server.admin.collections.create({
        name: "articles",
        type: "base",
        listRule: "",
        fields: [...fieldTypes, { name: "author", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 }],
      })
      expect(collection.id).toMatch(/^pbc_\d+$/)
      expect(collection.name).toBe("articles")
      expect(collection.listRule).toBe("")
      expect(collection.viewRule).toBeNull()
      const byName = Object.fromEntries(collection.fields.map((f: Record<string, any>) => [f.name, f]))
      expect(byName.id.primaryKey).toBe(true)
      expect(byName.title).toMatchObject({ type: "text", required: true, max: 200, id: expect.stringMatching(/^text\d+$/) })
      expect(byName.views).toMatchObject({ type: "number", onlyInt: true })
      expect(byName.status).toMatchObject({ type: "select", values: ["draft", "live"], maxSelect: 1 })
      expect(byName.author).toMatchObject({ type: "relation", collectionId: "_pb_users_auth_", cascadeDelete: false })
      const list = await server.admin.collections.getList(1, 200)
      expect(list.items.some((c) => c.name === "articles")).toBe(true)
    })

    it("adds a field and renames another without losing the collection", async () => {
      const before = await server.admin.collections.getOne("articles")
      const fields = before.fields.map((f: Record<string, any>) => (f.name === "title" ? { ...f, name: "headline" } : f))
      fields.push({ name: "summary", type: "editor" })
      const after = await server.admin.collections.update("articles", { fields })
      const names = after.fields.map((f: { name: string }) => f.name)
      expect(names).toContain("headline")
      expect(names).toContain("summary")
      expect(names).not.toContain("title")
      const headline = after.fields.find((f: { name: string }) => f.name === "headline")
      const title = before.fields.find((f: { name: string }) => f.name === "title")
      expect(headline?.id).toBe(title?.id)
    })

    it("renames the collection", async () => {
      const renamed = await server.admin.collections.update("articles", { name: "posts_renamed" })
      expect(renamed.name).toBe("posts_renamed")
      expect((await server.admin.collections.getOne("posts_renamed")).id).toBe(renamed.id)
      expect((await failure(server.admin.collections.getOne("articles"))).status).toBe(404)
    })

    it("imports a schema and then deletes a collection", async () => {
      const schema = [{ name: "imported", type: "base", fields: [{ name: "label", type: "text" }] }]
      await server.admin.collections.import(schema as never, false)
      const imported = await server.admin.collections.getOne("imported")
      expect(imported.fields.map((f: { name: string }) => f.name)).toEqual(["id", "label"])
      expect(await server.admin.collections.delete("imported")).toBe(true)
      expect((await failure(server.admin.collections.getOne("imported"))).status).toBe(404)
    })

    it("rejects an empty import list", async () => {
      const error = await failure(server.admin.collections.import([], false))
      expect(error.status).toBe(400)
      expect(error.response.data.collections.code).toBe("validation_required")
    })

    it("rejects invalid schemas with field-level errors", async () => {
      const badName = await failure(server.admin.collections.create({ name: "bad name" }))
      expect(badName.status).toBe(400)
      expect(badName.response.message).toBe("Failed to create collection.")
      expect(badName.response.data.name.code).toBe("validation_match_invalid")

      const duplicate = await failure(server.admin.collections.create({ name: "dups", fields: [{ name: "a", type: "text" }, { name: "A", type: "number" }] }))
      expect(duplicate.response.data.fields["2"].name.code).toBe("validation_duplicated_field_name")

      // Every field's own error is reported (not only the first); a duplicate is reported alone.
      const several = await failure(server.admin.collections.create({ name: "several", fields: [{ name: "x y", type: "text" }, { name: "ok", type: "text" }, { name: "expand", type: "bool" }, { name: "a_via_b", type: "bool" }] }))
      expect(several.response.data.fields).toEqual({
        "1": { name: { code: "validation_match_invalid", message: "Must be in a valid format." } },
        "3": { name: { code: "validation_not_in_invalid", message: "Must not be in list." } },
        "4": { name: { code: "validation_found_via", message: 'The value cannot contain "_via_".' } },
      })
      const caseSensitive = await server.admin.collections.create({ name: "case_sensitive", fields: [{ name: "Expand", type: "text" }, { name: "NULL", type: "text" }] })
      expect(caseSensitive.fields.map((f: { name: string }) => f.name)).toEqual(["id", "Expand", "NULL"])
      const reserved = await failure(server.admin.collections.create({ name: "reserved_auth", type: "auth", fields: [{ name: "passwordConfirm", type: "text" }, { name: "oldPassword", type: "text" }] }))
      expect(Object.keys(reserved.response.data.fields)).toEqual(["1", "2"])
      expect(reserved.response.data.fields["1"].name.code).toBe("validation_reserved_field_name")

      const mfa = await failure(server.admin.collections.create({ name: "lonely_mfa", type: "auth", mfa: { enabled: true }, otp: { enabled: false } }))
      expect(mfa.response.data).toEqual({ mfa: { enabled: { code: "validation_mfa_not_enough_auths", message: "MFA requires at least 2 auth methods to be enabled." } } })

      const relation = await failure(server.admin.collections.create({ name: "rels", fields: [{ name: "r", type: "relation" }] }))
      expect(relation.response.data.fields["1"].collectionId.code).toBe("validation_required")

      const type = await failure(server.admin.collections.create({ name: "typed", type: "weird" }))
      expect(type.response.data.type.code).toBe("validation_in_invalid")

      const taken = await failure(server.admin.collections.create({ name: "USERS" }))
      expect(taken.response.data.name.code).toBe("validation_collection_name_exists")

      const index = await failure(server.admin.collections.create({ name: "indexed", indexes: ["not sql"] }))
      expect(index.response.data.indexes["0"].code).toBe("validation_invalid_index_expression")
    })

    it("refuses to change a collection's type", async () => {
      const error = await failure(server.admin.collections.update("posts_renamed", { type: "view" }))
      expect(error.status).toBe(400)
      expect(error.response.data.type.code).toBe("validation_collection_type_change")
    })

    it("refuses to delete system and referenced collections", async () => {
      expect((await failure(server.admin.collections.delete("_superusers"))).status).toBe(400)
      const referenced = await failure(server.admin.collections.delete("users"))
      expect(referenced.status).toBe(400)
      expect(referenced.response.message).toContain("posts_renamed")
    })

    it("answers 401 to guests and 404 for unknown collections", async () => {
      const guest = server.client()
      const error = await failure(guest.collections.getList())
      expect(error.status).toBe(401)
      expect(error.response).toEqual({ data: {}, message: "The request requires valid record authorization token.", status: 401 })
      expect((await failure(server.admin.collections.getOne("nope_missing"))).status).toBe(404)
    })

    it("filters the list by id, name, type and system only", async () => {
      const names = async (filter: string) => (await server.admin.collections.getFullList({ filter })).map((c) => c.name).sort()
      expect(await names("name = 'users'")).toEqual(["users"])
      expect(await names("type = 'auth' && system = false")).toEqual(["users"])
      expect(await names("name ~ 'superuser' || name = 'users'")).toEqual(["_superusers", "users"])
      expect((await failure(server.admin.collections.getList(1, 30, { filter: "listRule = ''" }))).status).toBe(400)
      expect((await failure(server.admin.collections.getList(1, 30, { filter: "((" }))).status).toBe(400)
    })

    it("serves scaffolds for each type", async () => {
      const scaffolds = await server.admin.collections.getScaffolds()
      expect(Object.keys(scaffolds).sort()).toEqual(["auth", "base", "view"])
      expect(scaffolds.auth!.fields.map((f: { name: string }) => f.name)).toContain("tokenKey")
      expect(scaffolds.base!.name).toBe("")
    })
  })
}

describe("auth collection options (pocketbun)", () => {
  const current = useServer(() => startPocketbun())
  let server: TestServer
  beforeAll(() => {
    server = current()
  })

  it("refuses identity fields that are missing or not unique", async () => {
    const missing = await failure(server.admin.collections.create({ name: "members", type: "auth", passwordAuth: { enabled: true, identityFields: ["nope"] } }))
    expect(missing.response.data.passwordAuth.identityFields.code).toBe("validation_missing_field")
    const notUnique = await failure(server.admin.collections.create({
      name: "members", type: "auth", fields: [{ name: "username", type: "text" }],
      passwordAuth: { enabled: true, identityFields: ["email", "username"] },
    }))
    expect(notUnique.response.data.passwordAuth.identityFields.code).toBe("validation_missing_unique_constraint")
  })

  it("invalidates every token of the collection when its authRule changes", async () => {
    await server.admin.collection("users").create({ email: "rule@example.com", password: "password-123", passwordConfirm: "password-123" })
    const user = server.client()
    await user.collection("users").authWithPassword("rule@example.com", "password-123")
    await user.collection("users").authRefresh()
    await server.admin.collections.update("users", { authRule: "verified = false" })
    const error = await failure(user.collection("users").authRefresh())
    expect(error.status).toBe(401)
  })
})

describe("view collections (pocketbun)", () => {
  const current = useServer(() => startPocketbun())
  let server: TestServer
  beforeAll(() => {
    server = current()
  })

  it("derives typed fields from the view query and refuses a query without id", async () => {
    await server.admin.collections.create({ name: "scores", listRule: "", fields: [{ name: "player", type: "text" }, { name: "points", type: "number" }] })
    const view = await server.admin.collections.create({ name: "top_scores", type: "view", listRule: "", viewQuery: "SELECT id, player, points FROM scores WHERE points > 10" })
    expect(view.fields.map((f: { name: string; type: string }) => [f.name, f.type])).toEqual([["id", "text"], ["player", "text"], ["points", "number"]])
    await server.admin.collection("scores").create({ player: "ann", points: 12 })
    await server.admin.collection("scores").create({ player: "bob", points: 3 })
    const rows = await server.client().collection("top_scores").getFullList()
    expect(rows.map((r) => [r.player, r.points])).toEqual([["ann", 12]])
    const noId = await failure(server.admin.collections.create({ name: "bad_view", type: "view", viewQuery: "SELECT player FROM scores" }))
    expect(noId.status).toBe(400)
    expect(noId.response.data.viewQuery.code).toBe("validation_invalid_view_query")
    const broken = await failure(server.admin.collections.create({ name: "bad_view", type: "view", viewQuery: "SELECT id FROM nowhere" }))
    expect(broken.status).toBe(400)
  })
})
