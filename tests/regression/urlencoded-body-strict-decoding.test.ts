/**
 * Urlencoded bodies Go's form parser refuses (a `;` separator, a `%` escape without two hex
 * digits) were taken as text; PocketBase answers them with its default 400. Percent-encoded
 * bytes that are not UTF-8 (`%ff`) are still taken. Runs against the reference too.
 */
import { describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { raw } from "../support/records-fixture.ts"
import { conformanceTargets, type TestServer } from "../support/servers.ts"

const DEFAULT_400 = { data: {}, message: "Something went wrong while processing your request.", status: 400 }

const post = (server: TestServer, body: string) =>
  raw(server, "/api/collections/notes/records", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body, admin: false })

for (const target of conformanceTargets()) {
  describe(`strict urlencoded bodies (${target.name})`, () => {
    const server = useServer(async () => {
      const started = await target.start()
      await started.admin.collections.create({ name: "notes", createRule: "", fields: [{ name: "title", type: "text" }] })
      return started
    })

    it.each(["title=a;b", "title=a%zz", "title=%E", "%zz=1"])("refuses %p with the default 400", async (body) => {
      expect(await post(server(), body)).toEqual({ status: 400, body: DEFAULT_400 })
    })

    it("takes escapes of bytes that are not UTF-8, and plus signs as spaces", async () => {
      expect((await post(server(), "title=%ff")).body.title).toBe("\ufffd")
      expect((await post(server(), "title=a+b%20c")).body.title).toBe("a b c")
    })
  })
}
