/**
 * Records list options through the SDK: pagination edges, skipTotal, sort (several keys, `-`,
 * `@random`, `@rowid`) and filter. Runs against pocketbun and, where installed, the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { errorBody, failure, fixedId, OPEN_RULES, raw } from "../support/records-fixture.ts"

const COUNT = 25

/** Record i (1-based): n = i, grp = i % 3, label cycles through a few words. */
function row(i: number) {
  return { id: fixedId(`item${String(i).padStart(3, "0")}`), n: i, grp: i % 3, label: ["pear", "apple", "fig", "kiwi"][i % 4]! }
}

for (const target of conformanceTargets()) {
  describe(`records list options (${target.name})`, () => {
    let server: TestServer
    const ids: string[] = []

    beforeAll(async () => {
      server = await target.start()
      await server.admin.collections.create({
        name: "items",
        ...OPEN_RULES,
        fields: [
          { name: "n", type: "number" },
          { name: "grp", type: "number" },
          { name: "label", type: "text" },
        ],
      })
      // Inserted in reverse id order, so @rowid order differs from id order.
      for (let i = COUNT; i >= 1; i--) ids.push((await server.admin.collection("items").create(row(i))).id)
    }, 30_000)
    afterAll(async () => {
      await server?.stop()
    })

    const items = () => server.client().collection("items")

    it("defaults to page 1 and 30 per page with the totals", async () => {
      const list = await raw(server, "/api/collections/items/records", { admin: false })
      expect(list.status).toBe(200)
      expect(list.body).toMatchObject({ page: 1, perPage: 30, totalItems: COUNT, totalPages: 1 })
      expect(list.body.items).toHaveLength(COUNT)
    })

    it("pages through the results", async () => {
      const third = await items().getList(3, 10, { sort: "n" })
      expect(third).toMatchObject({ page: 3, perPage: 10, totalItems: COUNT, totalPages: 3 })
      expect(third.items.map((r) => r.n)).toEqual([21, 22, 23, 24, 25])
    })

    it("answers a page past the end with an empty list", async () => {
      const past = await items().getList(99, 10)
      expect(past).toEqual({ page: 99, perPage: 10, totalItems: COUNT, totalPages: 3, items: [] })
    })

    it("clamps perPage above 1000 to 1000 and echoes the clamped value", async () => {
      const big = await items().getList(1, 5000)
      expect(big.perPage).toBe(1000)
      expect(big.totalPages).toBe(1)
      expect(big.items).toHaveLength(COUNT)
    })

    it("treats zero and negative page/perPage as the defaults", async () => {
      const zero = await raw(server, "/api/collections/items/records?page=0&perPage=0", { admin: false })
      expect(zero.body).toMatchObject({ page: 1, perPage: 30 })
      const negative = await raw(server, "/api/collections/items/records?page=-3&perPage=-1", { admin: false })
      expect(negative.body).toMatchObject({ page: 1, perPage: 30 })
    })

    it("rejects a non-integer page or perPage with the default 400", async () => {
      for (const query of ["page=abc", "perPage=1.5", "perPage=x"]) {
        const response = await raw(server, `/api/collections/items/records?${query}`, { admin: false })
        expect(response.status).toBe(400)
        expect(response.body).toEqual({ status: 400, message: "Something went wrong while processing your request.", data: {} })
      }
    })

    it("skips the count with skipTotal and reports -1", async () => {
      const list = await items().getList(1, 10, { skipTotal: true, sort: "n" })
      expect(list).toMatchObject({ page: 1, perPage: 10, totalItems: -1, totalPages: -1 })
      expect(list.items).toHaveLength(10)
      for (const value of ["t", "TRUE", "1"]) {
        expect((await raw(server, `/api/collections/items/records?skipTotal=${value}`, { admin: false })).body.totalItems).toBe(-1)
      }
      for (const value of ["0", "false", "F"]) {
        expect((await raw(server, `/api/collections/items/records?skipTotal=${value}`, { admin: false })).body.totalItems).toBe(COUNT)
      }
      expect((await raw(server, "/api/collections/items/records?skipTotal=yes", { admin: false })).status).toBe(400)
    })

    it("walks every page with getFullList", async () => {
      const all = await items().getFullList({ batch: 7, sort: "-n" })
      expect(all.map((r) => r.n)).toEqual(Array.from({ length: COUNT }, (_, i) => COUNT - i))
    })

    it("sorts by several keys with - and +", async () => {
      const list = await items().getFullList({ sort: "grp,-n" })
      const expected = Array.from({ length: COUNT }, (_, i) => row(i + 1)).sort((a, b) => a.grp - b.grp || b.n - a.n)
      expect(list.map((r) => r.n)).toEqual(expected.map((r) => r.n))
      const plus = await items().getFullList({ sort: "-grp, +label ,id" })
      const expectedPlus = Array.from({ length: COUNT }, (_, i) => row(i + 1)).sort((a, b) => b.grp - a.grp || a.label.localeCompare(b.label) || a.id.localeCompare(b.id))
      expect(plus.map((r) => r.id)).toEqual(expectedPlus.map((r) => r.id))
    })

    it("sorts by @rowid in insertion order, either way", async () => {
      expect((await items().getFullList({ sort: "@rowid" })).map((r) => r.id)).toEqual(ids)
      expect((await items().getFullList({ sort: "-@rowid" })).map((r) => r.id)).toEqual([...ids].reverse())
    })

    it("sorts by @random and still returns every record once", async () => {
      const shuffled = await items().getFullList({ sort: "@random" })
      expect(shuffled.map((r) => r.id).sort()).toEqual([...ids].sort())
      const combined = await items().getList(1, 5, { sort: "grp,@random" })
      expect(combined.items.every((r) => r.grp === 0)).toBe(true)
    })

    it("filters and counts only the matching records", async () => {
      const list = await items().getList(1, 3, { filter: "grp = 1 && n > 10", sort: "n" })
      expect(list.totalItems).toBe(5)
      expect(list.totalPages).toBe(2)
      expect(list.items.map((r) => r.n)).toEqual([13, 16, 19])
      const byLabel = await items().getFullList({ filter: server.client().filter("label ~ {:q} || n = {:n}", { q: "PP", n: 2 }), sort: "n" })
      expect(byLabel.map((r) => r.n)).toEqual([1, 2, 5, 9, 13, 17, 21, 25])
    })

    it("returns the first match with getFirstListItem and 404 when nothing matches", async () => {
      const first = await items().getFirstListItem("n >= 24", { sort: "n" })
      expect(first.n).toBe(24)
      const none = await failure(items().getFirstListItem("n > 1000"))
      expect(none.status).toBe(404)
    })

    it("rejects a sort on an unknown field or @request with 400/403", async () => {
      const unknown = await failure(items().getList(1, 5, { sort: "nope" }))
      expect(unknown.status).toBe(400)
      const request = await failure(items().getList(1, 5, { sort: "@request.query.x" }))
      expect(errorBody(request)).toEqual({ status: 403, message: "Only superusers can filter by @request.", data: {} })
    })
  })
}
