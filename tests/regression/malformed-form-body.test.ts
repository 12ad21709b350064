/**
 * A multipart body that cannot be read (no closing boundary) or whose `@jsonPayload` is not a JSON
 * object was answered "Failed to read the submitted data."; PocketBase keeps that wording for
 * file-extraction failures and answers these with its default 400 (a `null` payload is just
 * empty). Runs against the reference too.
 */
import { describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { raw } from "../support/records-fixture.ts"
import { conformanceTargets, type TestServer } from "../support/servers.ts"

const defaultInvalid = { data: {}, message: "Something went wrong while processing your request.", status: 400 }

const post = (server: TestServer, body: string | FormData, contentType?: string) =>
  raw(server, "/api/collections/notes/records", { method: "POST", headers: contentType ? { "content-type": contentType } : {}, body, admin: false })

const payload = (text: string) => {
  const form = new FormData()
  form.set("@jsonPayload", text)
  return form
}

for (const target of conformanceTargets()) {
  describe(`unreadable form bodies (${target.name})`, () => {
    const server = useServer(async () => {
      const started = await target.start()
      await started.admin.collections.create({ name: "notes", type: "base", createRule: "", fields: [{ name: "title", type: "text" }] })
      return started
    })

    it("answers a multipart body without its closing boundary with the default 400", async () => {
      const truncated = '--XYZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nhello'
      expect(await post(server(), truncated, "multipart/form-data; boundary=XYZ")).toEqual({ status: 400, body: defaultInvalid })
    })

    it.each(["[1]", "1", '"text"', "{broken"])("answers @jsonPayload %p with the default 400", async (text) => {
      expect(await post(server(), payload(text))).toEqual({ status: 400, body: defaultInvalid })
    })

    it("takes a null @jsonPayload as an empty one", async () => {
      const created = await post(server(), payload("null"))
      expect(created.status).toBe(200)
      expect(created.body.title).toBe("")
    })
  })
}
