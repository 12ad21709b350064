/**
 * An HTTP/1.0 request without a Host header reached the app with a path-only URL and every route
 * answered 404. Such requests are now served like any other, as PocketBase serves them. Runs
 * against the reference too.
 */
import { describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { rawRequest } from "../support/raw-http.ts"
import { conformanceTargets } from "../support/servers.ts"

for (const target of conformanceTargets()) {
  describe(`HTTP/1.0 without Host (${target.name})`, () => {
    const server = useServer(target.start)

    it("answers health and list requests", async () => {
      const health = await rawRequest(server().url, "GET /api/health HTTP/1.0\r\n\r\n")
      expect([health.status, JSON.parse(health.body)]).toEqual([200, { message: "API is healthy.", code: 200, data: {} }])
      const list = await rawRequest(server().url, "GET /api/collections/users/records HTTP/1.0\r\n\r\n")
      expect([list.status, JSON.parse(list.body).items]).toEqual([200, []])
    })

    it("reads a body sent without Host", async () => {
      const body = JSON.stringify({ identity: "nobody@example.com", password: "x" })
      const answer = await rawRequest(server().url, `POST /api/collections/users/auth-with-password HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
      expect([answer.status, JSON.parse(answer.body).message]).toEqual([400, "Failed to authenticate."])
    })
  })
}
