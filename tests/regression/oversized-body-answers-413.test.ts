/**
 * Bodies over the limit were reset more often than answered: a declared size above twice the
 * limit met Bun's own empty 413, and routes only checked sizes when they read a body. Now a
 * declared Content-Length over the limit gets PocketBase's 413 JSON on any route, and a chunked
 * body that grows past it gets the endpoint's unreadable-body 400 (PocketBase's answer, not a
 * 413), every time, over raw sockets. Nothing is stored. Runs against the reference too (its
 * limit is the default 32 MiB; ours is lowered to keep the test fast).
 */
import { describe, expect, it } from "bun:test"
import { useServer } from "../support/lifecycle.ts"
import { rawRequest } from "../support/raw-http.ts"
import { conformanceTargets, startPocketbun, type TestServer } from "../support/servers.ts"

const OUR_LIMIT = 64 * 1024
const REFERENCE_LIMIT = 32 * 1024 * 1024
const TOO_LARGE = { data: {}, message: "Request entity too large.", status: 413 }
const DEFAULT_400 = { data: {}, message: "Something went wrong while processing your request.", status: 400 }

const head = (path: string, length: string) =>
  `POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n${length}Connection: close\r\n\r\n`

/** `size` bytes of JSON-ish filler in chunked transfer encoding, 16 KiB a chunk. */
function chunked(size: number): Uint8Array {
  const parts: Buffer[] = []
  for (let sent = 0; sent < size; sent += 16_384) {
    const n = Math.min(16_384, size - sent)
    parts.push(Buffer.from(`${n.toString(16)}\r\n`), Buffer.alloc(n, "x"), Buffer.from("\r\n"))
  }
  parts.push(Buffer.from("0\r\n\r\n"))
  return Buffer.concat(parts)
}

for (const target of conformanceTargets()) {
  const limit = target.name === "pocketbun" ? OUR_LIMIT : REFERENCE_LIMIT
  describe(`bodies over the limit (${target.name})`, () => {
    const server = useServer<TestServer>(async () => {
      const started = target.name === "pocketbun" ? await startPocketbun({ bodyLimit: OUR_LIMIT }) : await target.start()
      await started.admin.collections.create({ name: "notes", createRule: "", fields: [{ name: "title", type: "text" }] })
      return started
    })
    const count = async () => (await server().admin.collection("notes").getList(1, 1)).totalItems

    it("answers a declared size over the limit with the 413 JSON before the body is sent, on any route", async () => {
      for (const path of ["/api/collections/notes/records", "/api/health", "/api/unknown"]) {
        const answer = await rawRequest(server().url, head(path, `Content-Length: ${limit + 1}\r\n`))
        expect({ path, status: answer.status, body: JSON.parse(answer.body) }).toEqual({ path, status: 413, body: TOO_LARGE })
      }
    })

    // Ours only: the reference's limit cannot be lowered, and 40 × 32 MiB would only slow the run.
    if (target.name === "pocketbun") it("answers every fully sent body over the limit with the 413 JSON, never a reset", async () => {
      const before = await count()
      for (const size of [limit + 1, limit * 3, limit * 40]) {
        const answer = await rawRequest(server().url, head("/api/collections/notes/records", `Content-Length: ${size}\r\n`), { body: Buffer.alloc(size, "x") })
        expect({ size, ending: answer.ending, status: answer.status, body: JSON.parse(answer.body) }).toEqual({ size, ending: "closed", status: 413, body: TOO_LARGE })
      }
      expect(await count()).toBe(before)
    })

    it.each([
      ["/api/collections/notes/records", DEFAULT_400],
      ["/api/collections/users/auth-with-password", { data: {}, message: "An error occurred while loading the submitted data.", status: 400 }],
      ["/api/realtime", DEFAULT_400],
    ])("answers a chunked body growing past the limit on %s with the endpoint's 400", async (path, expected) => {
      const before = await count()
      const answer = await rawRequest(server().url, head(path, "Transfer-Encoding: chunked\r\n"), { body: chunked(limit + 32_768), timeoutMs: 30_000 })
      expect([answer.status, JSON.parse(answer.body)]).toEqual([400, expected])
      expect(await count()).toBe(before)
    })

    // Exactly the limit on ours; a small body on the reference (32 MiB would only slow the run).
    it("still takes a body within the limit", async () => {
      const title = "t".repeat(100)
      const json = JSON.stringify({ title }).padEnd(target.name === "pocketbun" ? limit : 4096, " ")
      const answer = await rawRequest(server().url, head("/api/collections/notes/records", `Content-Length: ${json.length}\r\n`), { body: json })
      expect([answer.status, JSON.parse(answer.body).title]).toEqual([200, title])
    })
  })
}
