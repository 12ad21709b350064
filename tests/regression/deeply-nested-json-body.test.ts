/**
 * A JSON body nested 100,000 levels deep once overflowed the stack (500). PocketBase's decoder
 * refuses anything nested deeper than 10,000 levels with each endpoint's "invalid data" 400; so
 * do we, on every JSON route, and nothing is stored. Runs against the reference too.
 */
import { describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { raw } from "../support/records-fixture.ts"
import { conformanceTargets, type TestServer } from "../support/servers.ts"

/** `{"data": [[…]]}` whose deepest point is `depth` levels down, the outer object included. */
const nested = (depth: number) => `{"data":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`
const hostile = nested(100_000)

const defaultInvalid = { data: {}, message: "Something went wrong while processing your request.", status: 400 }
const ROUTES: Array<[string, unknown]> = [
  ["/api/collections/notes/records", defaultInvalid],
  ["/api/collections", { data: {}, message: "Failed to load the collection type data due to invalid formatting.", status: 400 }],
  ["/api/collections/users/auth-with-password", { data: {}, message: "An error occurred while loading the submitted data.", status: 400 }],
  ["/api/realtime", defaultInvalid],
]

const post = (server: TestServer, path: string, body: string | FormData) =>
  raw(server, path, { method: "POST", body, headers: typeof body === "string" ? { "content-type": "application/json" } : {} })

for (const target of conformanceTargets()) {
  describe(`deeply nested JSON bodies (${target.name})`, () => {
    const server = useServer(async () => {
      const started = await target.start()
      await started.admin.collections.create({ name: "notes", type: "base", createRule: "", fields: [{ name: "data", type: "json" }] })
      return started
    })
    const count = async () => (await server().admin.collection("notes").getList(1, 1)).totalItems

    it.each(ROUTES)("answers %s with its 400, not a 500", async (path, expected) => {
      expect(await post(server(), path, hostile)).toEqual({ status: 400, body: expected })
    })

    it("refuses a multipart @jsonPayload nested too deep", async () => {
      const before = await count()
      const form = new FormData()
      form.set("@jsonPayload", hostile)
      expect(await post(server(), "/api/collections/notes/records", form)).toEqual({ status: 400, body: defaultInvalid })
      expect(await count()).toBe(before)
    })

    // Last: PocketBase cannot list a collection holding a record 10,000 levels deep (its encoder fails).
    it("accepts 10,000 levels and refuses 10,001, storing nothing", async () => {
      const before = await count()
      expect(await post(server(), "/api/collections/notes/records", nested(10_001))).toEqual({ status: 400, body: defaultInvalid })
      expect(await count()).toBe(before)
      const accepted = await post(server(), "/api/collections/notes/records", nested(10_000))
      expect(accepted.status).toBe(200)
      expect(JSON.stringify(accepted.body.data)).toBe(`${"[".repeat(9_999)}${"]".repeat(9_999)}`)
    })
  })
}
