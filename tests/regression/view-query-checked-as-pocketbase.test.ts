/**
 * A view collection's query ran as sent: `SELECT * FROM users` made a view of every column,
 * password hashes and token keys included, and refusals were worded our own way. The query is
 * now checked as PocketBase checks it (one statement, no wildcard columns, runs as a view, has
 * an `id` column) with its exact field errors, and nothing outside the view changes. Runs
 * against the reference too.
 */
import { describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { raw } from "../support/records-fixture.ts"
import { conformanceTargets, type TestServer } from "../support/servers.ts"

const blank = { code: "validation_required", message: "Cannot be blank." }
const invalid = (reason: string, fields: unknown = blank) => ({
  data: { fields, viewQuery: { code: "validation_invalid_view_query", message: `Invalid query - ${reason}.` } },
  message: "Failed to create collection.",
  status: 400,
})
const WILDCARD = "wildcard columns (*) are not supported - manually type the collection field names you want the view query to have"

const REFUSED: Array<[string, unknown]> = [
  ["SELECT * FROM users", invalid(WILDCARD)],
  ["select u.* from users u", invalid(WILDCARD)],
  ["SELECT id, * FROM users", invalid(WILDCARD)],
  ["SELECT id FROM users; DROP TABLE notes", invalid("multiple statements are not supported")],
  ["select id from users -- ; drop", invalid("multiple statements are not supported")],
  ["DELETE FROM users", invalid('SQL logic error: near "DELETE": syntax error (1)')],
  ["SELECT id FROM nope", invalid("SQL logic error: no such table: main.nope (1)")],
  [
    "SELECT 1 AS n",
    invalid("missing required id column (you can use `(ROW_NUMBER() OVER()) as id` if you don't have one)", {
      code: "validation_missing_primary_key",
      message: 'Missing or invalid "id" PK field.',
    }),
  ],
  ["", { data: { fields: blank, viewQuery: blank }, message: "Failed to create collection.", status: 400 }],
]

const createView = (server: TestServer, viewQuery: string) =>
  raw(server, "/api/collections", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: `v_${crypto.randomUUID().slice(0, 8)}`, type: "view", viewQuery }),
  })

for (const target of conformanceTargets()) {
  describe(`view queries (${target.name})`, () => {
    const server = useServer(async () => {
      const started = await target.start()
      await started.admin.collections.create({ name: "notes", fields: [{ name: "title", type: "text" }] })
      await started.admin.collection("notes").create({ title: "kept" })
      return started
    })

    it.each(REFUSED)("refuses %p with PocketBase's field errors", async (query, expected) => {
      expect(await createView(server(), query)).toEqual({ status: 400, body: expected })
      expect((await server().admin.collection("notes").getFullList()).map((r) => r.title)).toEqual(["kept"])
    })

    it("takes one SELECT with an id, trailing semicolons and quoted separators included", async () => {
      const created = await createView(server(), "  SELECT id, email FROM users WHERE email != ';';; ")
      expect(created.status).toBe(200)
      expect(created.body.fields.map((f: { name: string }) => f.name)).toEqual(["id", "email"])
    })
  })
}
