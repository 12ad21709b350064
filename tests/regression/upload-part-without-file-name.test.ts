/**
 * A multipart part with an empty file name (`filename=""`) reached storage as a file without a
 * name and answered 500. PocketBase takes such a part as a plain text value: on a file field it
 * names a file that does not exist (its 400), on a text field it is the text. Runs against the
 * reference too.
 */
import { describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { raw } from "../support/records-fixture.ts"
import { conformanceTargets, type TestServer } from "../support/servers.ts"

function part(field: string, content: string): string {
  return `--XYZ\r\nContent-Disposition: form-data; name="${field}"; filename=""\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--XYZ--\r\n`
}

const post = (server: TestServer, body: string) =>
  raw(server, "/api/collections/docs/records", { method: "POST", headers: { "content-type": "multipart/form-data; boundary=XYZ" }, body, admin: false })

for (const target of conformanceTargets()) {
  describe(`multipart parts without a file name (${target.name})`, () => {
    const server = useServer(async () => {
      const started = await target.start()
      const fields = [{ name: "file", type: "file", maxSelect: 1 }, { name: "title", type: "text" }]
      await started.admin.collections.create({ name: "docs", createRule: "", fields })
      return started
    })

    it("answers one sent to a file field with PocketBase's invalid-file 400, storing nothing", async () => {
      const before = (await server().admin.collection("docs").getList(1, 1)).totalItems
      expect(await post(server(), part("file", "hello"))).toEqual({
        status: 400,
        body: {
          data: { file: { code: "validation_invalid_file", message: "Invalid new files: [hello].", params: { invalidFiles: ["hello"] } } },
          message: "Failed to create record.",
          status: 400,
        },
      })
      expect((await server().admin.collection("docs").getList(1, 1)).totalItems).toBe(before)
    })

    it("takes one sent to a text field as its text", async () => {
      const created = await post(server(), part("title", "hello"))
      expect([created.status, created.body.title, created.body.file]).toEqual([200, "hello", ""])
    })
  })
}
