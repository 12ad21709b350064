/**
 * Methods outside GET/POST/… once met a reset connection. Every method Bun's HTTP parser reads
 * (WebDAV, TRACE, M-SEARCH, QUERY, …) now gets PocketBase's answer: its 404 JSON, and 204 for any
 * OPTIONS. A token Bun's parser does not know (`FOO`) still never reaches the app (Bun closes that
 * connection; oven-sh/bun#6556): the test pins that it costs only that connection. Runs against
 * the reference too.
 */
import { describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { rawRequest } from "../support/raw-http.ts"
import { conformanceTargets } from "../support/servers.ts"

const NOT_FOUND = { data: {}, message: "The requested resource wasn't found.", status: 404 }
const METHODS = ["PROPFIND", "PROPPATCH", "MKCOL", "LOCK", "UNLOCK", "COPY", "MOVE", "TRACE", "M-SEARCH", "PURGE", "QUERY", "SEARCH", "REPORT", "CONNECT"]
const PATHS = ["/api/health", "/api/collections/users/records", "/api/unknown"]

const head = (method: string, path: string, extra = "") => `${method} ${path} HTTP/1.1\r\nHost: test\r\n${extra}Connection: close\r\n\r\n`

for (const target of conformanceTargets()) {
  describe(`unusual HTTP methods (${target.name})`, () => {
    const server = useServer(target.start)

    it.each(METHODS)("answers %s with PocketBase's 404 JSON on any path", async (method) => {
      for (const path of PATHS) {
        const answer = await rawRequest(server().url, head(method, path))
        expect({ path, status: answer.status, body: JSON.parse(answer.body) }).toEqual({ path, status: 404, body: NOT_FOUND })
      }
    })

    it("answers a bare OPTIONS with 204 and Vary: Origin", async () => {
      const answer = await rawRequest(server().url, head("OPTIONS", "/api/health"))
      expect([answer.status, answer.headers.vary, answer.body]).toEqual([204, "Origin", ""])
    })

    it("answers an OPTIONS naming an Origin with the CORS preflight headers", async () => {
      const answer = await rawRequest(server().url, head("OPTIONS", "/api/unknown", "Origin: http://app.test\r\n"))
      expect(answer.status).toBe(204)
      expect(answer.headers["access-control-allow-origin"]).toBe("*")
      expect(answer.headers["access-control-allow-methods"]).toBe("GET,HEAD,PUT,PATCH,POST,DELETE")
      expect(answer.headers["access-control-allow-headers"]).toBeUndefined()
    })

    it("keeps serving after a method token it cannot answer", async () => {
      const answer = await rawRequest(server().url, head("FOO", "/api/health"))
      if (target.name === "pocketbase") expect([answer.status, JSON.parse(answer.body)]).toEqual([404, NOT_FOUND])
      else expect(answer.ending).not.toBe("timeout")
      expect((await fetch(`${server().url}/api/health`)).status).toBe(200)
    })
  })
}
