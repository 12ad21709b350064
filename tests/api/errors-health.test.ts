/**
 * Health and PocketBase's error shapes: 400, 404, 413, 500, against pocketbun (and the reference
 * where installed, except the 500 case, which needs to break our own database).
 */
import { beforeAll, describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { conformanceTargets, startPocketbun, type PocketbunServer, type TestServer } from "../support/servers.ts"

for (const target of conformanceTargets()) {
  describe(`health and errors (${target.name})`, () => {
    const current = useServer(target.start)
    let server: TestServer
    beforeAll(() => {
      server = current()
    })

    it("answers health with 200 for guests", async () => {
      const response = await fetch(`${server.url}/api/health`)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ message: "API is healthy.", code: 200, data: {} })
      expect((await fetch(`${server.url}/api/health`, { method: "HEAD" })).status).toBe(200)
    })

    it("answers unknown routes with a JSON 404", async () => {
      const post = await fetch(`${server.url}/api/definitely/missing`, { method: "POST" })
      expect(post.status).toBe(404)
      expect(post.headers.get("content-type")).toBe("application/json")
      expect(await post.json()).toEqual({ data: {}, message: "The requested resource wasn't found.", status: 404 })
      const get = await fetch(`${server.url}/api/definitely/missing`)
      expect(get.status).toBe(404)
      expect(((await get.json()) as { status: number }).status).toBe(404)
    })

    it("answers malformed JSON with 400 and keeps working", async () => {
      const response = await fetch(`${server.url}/api/collections`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: server.admin.authStore.token },
        body: "{not json",
      })
      expect(response.status).toBe(400)
      const body = (await response.json()) as { status: number; data: unknown; message: unknown }
      expect(body.status).toBe(400)
      expect(body.data).toEqual({})
      expect(typeof body.message).toBe("string")
    })

    it("answers a body over 32 MiB with 413", async () => {
      const response = await fetch(`${server.url}/api/collections`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: server.admin.authStore.token },
        body: JSON.stringify({ name: "x".repeat(33 * 1024 * 1024) }),
      })
      expect(response.status).toBe(413)
      expect(await response.json()).toEqual({ data: {}, message: "Request entity too large.", status: 413 })
    })

    it("answers CORS preflight with 204", async () => {
      const response = await fetch(`${server.url}/api/collections`, {
        method: "OPTIONS",
        headers: { origin: "http://example.test", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      })
      expect(response.status).toBe(204)
      expect(response.headers.get("access-control-allow-origin")).toBe("*")
      expect(response.headers.get("access-control-allow-headers")).toBe("content-type")
    })
  })
}

describe("unexpected failures (pocketbun)", () => {
  const current = useServer(() => startPocketbun())
  let server: PocketbunServer
  beforeAll(() => {
    server = current()
  })

  it("answers 500 without internals and keeps serving", async () => {
    const store = server.app.services.store
    store.exec("ALTER TABLE _superusers RENAME TO _superusers_moved")
    const originalError = console.error
    const logged: unknown[] = []
    console.error = (...args: unknown[]) => void logged.push(args)
    try {
      const response = await fetch(`${server.url}/api/collections/_superusers/auth-with-password`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ identity: "admin@example.com", password: "whatever-123" }),
      })
      expect(response.status).toBe(500)
      const body = await response.json()
      expect(body).toEqual({ data: {}, message: "Something went wrong while processing your request.", status: 500 })
      expect(JSON.stringify(body)).not.toContain("_superusers")
      expect(logged.length).toBeGreaterThan(0)
    } finally {
      console.error = originalError
      store.exec("ALTER TABLE _superusers_moved RENAME TO _superusers")
    }
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
  })
})
