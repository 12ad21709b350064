/**
 * A collection's `indexes` once ran as sent: `CREATE INDEX … ON _superusers (…)` indexed another
 * collection's table and a `WHERE …; DROP TABLE …` tail ran a second statement. Every index is now
 * rebuilt on the collection's own table and checked as PocketBase checks it (same answers, run
 * against the reference too); nothing outside the collection changes.
 */
import { Database } from "bun:sqlite"
import { join } from "node:path"
import { describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { raw } from "../support/records-fixture.ts"
import { conformanceTargets, type TestServer } from "../support/servers.ts"

const invalid = (position: number, code = "validation_invalid_index_expression", message = "Invalid CREATE INDEX expression.") => ({
  data: { indexes: { [position]: { code, message } } },
  message: "Failed to create collection.",
  status: 400,
})

// [what it tries, indexes sent, PocketBase's exact answer]
const REFUSED: Array<[string, string[], unknown]> = [
  [
    "an index on another table's column this collection lacks",
    ["CREATE INDEX idx_x ON _superusers (email)"],
    invalid(0, "validation_invalid_index_expression", "Failed to create index idx_x - SQL logic error: no such column: email (1)."),
  ],
  ["a statement that is not an index", ["DROP TABLE _superusers"], invalid(0)],
  ["a second statement after the columns", ["CREATE INDEX idx_x ON t (title); DROP TABLE _superusers"], invalid(0)],
  ["text after the columns", ["CREATE INDEX idx_x ON t (title) junk"], invalid(0)],
  ["an index without a name", ["CREATE INDEX ON t (title)"], invalid(0)],
  ["an unbalanced column list", ["CREATE INDEX idx_x ON t (title, (id)"], invalid(0)],
  ["two indexes of one name", ["CREATE INDEX idx_x ON t (title)", "CREATE INDEX IDX_X ON t (id)"], invalid(1, "validation_duplicated_index_name", "The index name already exists.")],
  ["one definition twice", ["CREATE INDEX idx_x ON t (title)", "CREATE INDEX idx_y ON t (title)"], invalid(1, "validation_duplicated_index_definition", "The index definition already exists.")],
]

const post = (server: TestServer, body: unknown) =>
  raw(server, "/api/collections", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const textCollection = (name: string, indexes: string[], field = "title") => ({ name, type: "base", fields: [{ name: field, type: "text" }], indexes })

function schemaOf(server: TestServer, table: string): string[] {
  const db = new Database(join(server.dir, "data.db"), { readonly: true })
  try {
    return db.query<{ sql: string | null }, [string]>("SELECT sql FROM sqlite_master WHERE tbl_name = ? ORDER BY name").all(table).map((row) => String(row.sql))
  } finally {
    db.close()
  }
}

for (const target of conformanceTargets()) {
  describe(`collection indexes stay on their own table (${target.name})`, () => {
    const server = useServer(target.start)

    it.each(REFUSED)("refuses %s with PocketBase's 400", async (_, indexes, expected) => {
      const before = schemaOf(server(), "_superusers")
      expect(await post(server(), textCollection(`c${crypto.randomUUID().slice(0, 8)}`, indexes))).toEqual({ status: 400, body: expected })
      expect(schemaOf(server(), "_superusers")).toEqual(before)
    })

    it("moves an index naming another table onto the collection's own table", async () => {
      const before = schemaOf(server(), "_superusers")
      const created = await post(server(), textCollection("moved", ["CREATE INDEX idx_moved ON _superusers (email)"], "email"))
      expect(created.status).toBe(200)
      expect(created.body.indexes).toEqual(["CREATE INDEX `idx_moved` ON `moved` (`email`)"])
      expect(schemaOf(server(), "_superusers")).toEqual(before)
      expect(schemaOf(server(), "moved").some((sql) => sql.includes("idx_moved"))).toBe(true)
    })

    it("refuses an index name another collection's table already uses", async () => {
      const used = (await post(server(), textCollection("first", ["CREATE INDEX idx_taken ON first (title)"]))).status
      expect(used).toBe(200)
      expect(await post(server(), textCollection("second", ["CREATE INDEX idx_taken ON second (title)"]))).toEqual({
        status: 400,
        body: {
          data: { indexes: { "0": { code: "validation_existing_index_name", message: "The index name is already used in first collection.", params: { usedTableName: "first" } } } },
          message: "Failed to create collection.",
          status: 400,
        },
      })
    })

    it("refuses indexes on a view collection", async () => {
      const view = { name: "v_indexed", type: "view", viewQuery: "SELECT id FROM users", indexes: ["CREATE INDEX idx_v ON v_indexed (id)"] }
      expect(await post(server(), view)).toEqual({
        status: 400,
        body: { data: { indexes: { code: "validation_indexes_not_supported", message: "View collections don't support indexes." } }, message: "Failed to create collection.", status: 400 },
      })
    })

    // PocketBase v0.40.6 runs this tail as a second statement and drops the table; we refuse it.
    if (target.name === "pocketbun") it("refuses a WHERE clause that hides a second statement, and drops nothing", async () => {
      expect((await post(server(), textCollection("victim", []))).status).toBe(200)
      const attack = textCollection("attacker", ["CREATE INDEX idx_a ON attacker (title) WHERE title = 1; DROP TABLE victim"])
      expect(await post(server(), attack)).toEqual({ status: 400, body: invalid(0) })
      expect(schemaOf(server(), "victim").length).toBeGreaterThan(0)
      expect((await fetch(`${server().url}/api/collections/victim/records`, { headers: { authorization: server().admin.authStore.token } })).status).toBe(200)
    })
  })
}
