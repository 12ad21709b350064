/**
 * JSON bodies PocketBase's decoder refuses were taken: invalid UTF-8 was replaced, a repeated
 * member name kept its last value, a lone surrogate escape was stored, `1e400` became Infinity
 * (stored as "+Inf" in a text field). Each is now its default 400 and nothing is stored; a number
 * out of range inside a string is 0, as Go's parser gives up on it. Runs against the reference too.
 */
import { describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { raw } from "../support/records-fixture.ts"
import { conformanceTargets, type TestServer } from "../support/servers.ts"

const DEFAULT_400 = { data: {}, message: "Something went wrong while processing your request.", status: 400 }

const REFUSED: Array<[string, Uint8Array | string]> = [
  ["invalid UTF-8 inside a string", new Uint8Array([...Buffer.from('{"title":"'), 0xff, 0xfe, ...Buffer.from('"}')])],
  ["a repeated member name", '{"title":"a","title":"b"}'],
  ["a repeated member name spelled with an escape", '{"title":"a","ti\\u0074le":"b"}'],
  ["a lone surrogate escape", '{"title":"\\ud800"}'],
  ["a number beyond float64 in a text field", '{"title":1e400}'],
  ["a number beyond float64 in a number field", '{"n":-1e400}'],
  ["a number beyond float64 anywhere", '{"data":{"deep":[1,2,1e999]}}'],
]

const post = (server: TestServer, body: Uint8Array | string) =>
  raw(server, "/api/collections/notes/records", { method: "POST", headers: { "content-type": "application/json" }, body, admin: false })

for (const target of conformanceTargets()) {
  describe(`strict JSON bodies (${target.name})`, () => {
    const server = useServer(async () => {
      const started = await target.start()
      const fields = [{ name: "title", type: "text" }, { name: "n", type: "number" }, { name: "data", type: "json" }]
      await started.admin.collections.create({ name: "notes", createRule: "", fields })
      return started
    })
    const count = async () => (await server().admin.collection("notes").getList(1, 1)).totalItems

    it.each(REFUSED)("refuses %s with the default 400, storing nothing", async (_, body) => {
      const before = await count()
      expect(await post(server(), body)).toEqual({ status: 400, body: DEFAULT_400 })
      expect(await count()).toBe(before)
    })

    it("takes tiny exponents, long integers, same names in different objects and surrogate pairs", async () => {
      const created = await post(server(), '{"n":1e-400,"data":{"a":{"x":1},"b":{"x":"\\ud83d\\ude00"}},"title":"ok"}')
      expect(created.status).toBe(200)
      expect([created.body.n, created.body.data, created.body.title]).toEqual([0, { a: { x: 1 }, b: { x: "😀" } }, "ok"])
      expect((await post(server(), '{"n":123456789012345678901234567890}')).body.n).toBe(1.2345678901234568e29)
    })

    it("reads a number string beyond float64 as 0", async () => {
      const created = await post(server(), '{"n":"1e400"}')
      expect([created.status, created.body.n]).toEqual([200, 0])
    })
  })
}
