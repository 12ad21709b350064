/**
 * `POST /api/realtime` on the wire: PocketBase's checks in order, its limits (255-byte clientId,
 * 1000 topics, 2500 bytes per topic), exact statuses and error bodies, body types, the IP check and
 * replace semantics. Runs against pocketbun and, where installed, the reference PocketBase.
 */
import net from "node:net"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { isEventFrameId, openRawStream, postRealtime, type RawStream } from "../support/realtime.ts"

const GENERIC = "Something went wrong while processing your request."
const MISSING_CLIENT = { data: {}, message: "Missing or invalid client id.", status: 404 }
const BIND_FAILED = { data: {}, message: GENERIC, status: 400 }
const CLIENT_ID_REQUIRED = { code: "validation_required", message: "Cannot be blank." }
const TOO_MANY = { code: "validation_length_too_long", message: "The length must be no more than 1000.", params: { max: 1000, min: 0 } }
const TOO_LONG = { code: "validation_length_too_long", message: "The length must be no more than 2500.", params: { max: 2500, min: 0 } }

const topics = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`)

/** Sends a raw HTTP/1.1 request from `localAddress` and returns the status line's code and the body. */
function requestFrom(localAddress: string, port: number, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let text = ""
    const socket = net.createConnection({ host: "127.0.0.1", port, localAddress }, () => socket.write(request))
    socket.setEncoding("utf8")
    socket.on("data", (chunk) => (text += chunk))
    socket.on("error", reject)
    socket.on("close", () => {
      const status = Number(text.slice(9, 12))
      const body = text.slice(text.indexOf("\r\n\r\n") + 4)
      resolve({ status, body })
    })
    setTimeout(() => {
      socket.destroy()
      reject(new Error(`no complete answer from ${localAddress} within 3 s; got ${JSON.stringify(text.slice(0, 300))}`))
    }, 3000).unref()
  })
}

for (const target of conformanceTargets()) {
  describe(`realtime subscribe request (${target.name})`, () => {
    let server: TestServer
    const streams: RawStream[] = []

    beforeAll(async () => {
      server = await target.start()
      await server.admin.collections.create({ name: "notes", listRule: "", viewRule: "", createRule: "", fields: [{ name: "text", type: "text" }] })
    }, 30_000)
    afterEach(async () => {
      for (const s of streams.splice(0)) await s.close()
    })
    afterAll(async () => {
      await server?.stop()
    })

    async function stream(): Promise<RawStream> {
      const s = await openRawStream(server.url)
      streams.push(s)
      return s
    }

    async function note(text: string): Promise<string> {
      return (await server.admin.collection("notes").create({ text })).id
    }

    it("answers 404 with an empty data object for an unknown clientId", async () => {
      const answer = await postRealtime(server.url, { clientId: "missing", subscriptions: ["test1", "test2"] })
      expect(answer.status).toBe(404)
      expect(answer.json).toEqual(MISSING_CLIENT)
    })

    it("does not trim the clientId: a blank one passes validation and is not found", async () => {
      const answer = await postRealtime(server.url, { clientId: " ", subscriptions: [] })
      expect(answer.status).toBe(404)
      expect(answer.json).toEqual(MISSING_CLIENT)
    })

    it("answers 400 clientId required, and nothing about subscriptions, for {}", async () => {
      const answer = await postRealtime(server.url, {})
      expect(answer.status).toBe(400)
      expect(answer.json).toEqual({ data: { clientId: CLIENT_ID_REQUIRED }, message: GENERIC, status: 400 })
    })

    it("treats an empty body as {}", async () => {
      const answer = await postRealtime(server.url, "")
      expect(answer.status).toBe(400)
      expect(answer.json).toEqual({ data: { clientId: CLIENT_ID_REQUIRED }, message: GENERIC, status: 400 })
    })

    it("binds nothing from an XML body, so the clientId is reported blank", async () => {
      const answer = await postRealtime(server.url, "<a/>", { contentType: "text/xml" })
      expect(answer.status).toBe(400)
      expect(answer.json).toEqual({ data: { clientId: CLIENT_ID_REQUIRED }, message: GENERIC, status: 400 })
    })

    it("treats a JSON null body as {} and a body without Content-Type as unbindable", async () => {
      const s = await stream()
      const nullBody = await postRealtime(server.url, "null")
      expect(nullBody.status).toBe(400)
      expect(nullBody.json).toEqual({ data: { clientId: CLIENT_ID_REQUIRED }, message: GENERIC, status: 400 })
      const untyped = await postRealtime(server.url, JSON.stringify({ clientId: s.clientId, subscriptions: [] }), { contentType: "" })
      expect(untyped.status).toBe(400)
      expect(untyped.json).toEqual(BIND_FAILED)
      const charset = await postRealtime(server.url, JSON.stringify({ clientId: s.clientId, subscriptions: [null, "x"] }), { contentType: "application/json; charset=utf-8" })
      expect(charset.status).toBe(204)
    })

    it("answers 400 with empty data for malformed JSON, a type mismatch and an unsupported content type", async () => {
      const s = await stream()
      expect((await postRealtime(server.url, "{not json")).json).toEqual(BIND_FAILED)
      expect((await postRealtime(server.url, { clientId: s.clientId, subscriptions: "notes/*" })).json).toEqual(BIND_FAILED)
      const plain = await postRealtime(server.url, JSON.stringify({ clientId: s.clientId }), { contentType: "text/plain" })
      expect(plain.status).toBe(400)
      expect(plain.json).toEqual(BIND_FAILED)
    })

    it("limits the clientId to 255 characters", async () => {
      const long = await postRealtime(server.url, { clientId: "a".repeat(256) })
      expect(long.status).toBe(400)
      expect(long.json).toEqual({
        data: { clientId: { code: "validation_length_out_of_range", message: "The length must be between 1 and 255.", params: { max: 255, min: 1 } } },
        message: GENERIC,
        status: 400,
      })
      const longest = await postRealtime(server.url, { clientId: "a".repeat(255) })
      expect(longest.status).toBe(404)
    })

    it("accepts exactly 1000 topics and rejects 1001", async () => {
      const s = await stream()
      const over = await postRealtime(server.url, { clientId: s.clientId, subscriptions: topics(1001) })
      expect(over.status).toBe(400)
      expect(over.json).toEqual({ data: { subscriptions: TOO_MANY }, message: GENERIC, status: 400 })
      const limit = await postRealtime(server.url, { clientId: s.clientId, subscriptions: topics(1000) })
      expect(limit.status).toBe(204)
      expect(limit.text).toBe("")
    })

    it("accepts a 2500-byte topic and rejects 2501 bytes, reported under the item's index", async () => {
      const s = await stream()
      const over = await postRealtime(server.url, { clientId: s.clientId, subscriptions: ["abc", "a".repeat(2501)] })
      expect(over.status).toBe(400)
      expect(over.json).toEqual({ data: { subscriptions: { "1": TOO_LONG } }, message: GENERIC, status: 400 })
      expect((await postRealtime(server.url, { clientId: s.clientId, subscriptions: ["abc", "a".repeat(2500)] })).status).toBe(204)
    })

    it("counts topic length in UTF-8 bytes, not characters", async () => {
      const s = await stream()
      // 1250 × "é" is 2500 bytes; 1251 is 2502 bytes in 1251 characters.
      expect((await postRealtime(server.url, { clientId: s.clientId, subscriptions: ["é".repeat(1250)] })).status).toBe(204)
      const over = await postRealtime(server.url, { clientId: s.clientId, subscriptions: ["é".repeat(1251)] })
      expect(over.status).toBe(400)
      expect(over.json).toEqual({ data: { subscriptions: { "0": TOO_LONG } }, message: GENERIC, status: 400 })
    })

    it("reports a blank clientId and too many topics together", async () => {
      const answer = await postRealtime(server.url, { clientId: "", subscriptions: topics(1001) })
      expect(answer.status).toBe(400)
      expect(answer.json).toEqual({ data: { clientId: CLIENT_ID_REQUIRED, subscriptions: TOO_MANY }, message: GENERIC, status: 400 })
    })

    it("checks the client before the topics' content: any string is a topic, PB_CONNECT and @oauth2 included", async () => {
      const s = await stream()
      const answer = await postRealtime(server.url, { clientId: s.clientId, subscriptions: ["PB_CONNECT", "@oauth2", "anything", "", "notes/*?options=%7Bbroken"] })
      expect(answer.status).toBe(204)
    })

    it("refuses a POST from another IP than the stream's with 400 Invalid realtime client.", async () => {
      const s = await stream()
      const body = JSON.stringify({ clientId: s.clientId, subscriptions: ["notes/*"] })
      const port = Number(new URL(server.url).port)
      const request = `POST /api/realtime HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`
      const foreign = await requestFrom("127.0.0.2", port, request)
      expect(foreign.status).toBe(400)
      expect(JSON.parse(foreign.body)).toEqual({ data: {}, message: "Invalid realtime client.", status: 400 })
      const local = await requestFrom("127.0.0.1", port, request)
      expect(local.status).toBe(204)
    })

    it("accepts a form-encoded body", async () => {
      const s = await stream()
      const form = new URLSearchParams([["clientId", s.clientId], ["subscriptions", "notes/*"], ["subscriptions", "other"]])
      const answer = await postRealtime(server.url, form.toString(), { contentType: "application/x-www-form-urlencoded" })
      expect(answer.status).toBe(204)
      const id = await note("form")
      await s.reader.until((t) => t.includes(`"id":"${id}"`), "the note created after a form-encoded subscribe")
    })

    it("replaces the whole set on every POST, and [] unsubscribes from everything", async () => {
      const s = await stream()
      expect((await postRealtime(server.url, { clientId: s.clientId, subscriptions: ["notes/*"] })).status).toBe(204)
      const first = await note("first")
      await s.reader.until((t) => t.includes(`"id":"${first}"`), "the first note")
      expect((await postRealtime(server.url, { clientId: s.clientId, subscriptions: [] })).status).toBe(204)
      const unseen = await note("while unsubscribed")
      expect((await postRealtime(server.url, { clientId: s.clientId, subscriptions: ["other", "notes/*"] })).status).toBe(204)
      const last = await note("last")
      await s.reader.until((t) => t.includes(`"id":"${last}"`), "the last note")
      expect(s.reader.text).not.toContain(unseen)
      expect(s.reader.frames().map((f) => f.event)).toEqual(["PB_CONNECT", "notes/*", "notes/*"])
    })

    it("collapses duplicate topics into one subscription", async () => {
      const s = await stream()
      expect((await postRealtime(server.url, { clientId: s.clientId, subscriptions: ["notes/*", "notes/*", "notes/*"] })).status).toBe(204)
      const a = await note("a")
      const b = await note("b")
      await s.reader.until((t) => t.includes(`"id":"${b}"`), "the second note")
      const frames = s.reader.frames().slice(1)
      expect(frames.filter((f) => f.data.includes(a))).toHaveLength(1)
      expect(frames.every((f) => isEventFrameId(target.name, f.id, s.clientId) && f.event === "notes/*")).toBe(true)
    })
  })
}
