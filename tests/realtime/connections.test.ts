/**
 * Connection lifecycle across the whole server: a restart on the same port and data directory
 * after which the SDK reconnects and resubscribes by itself (both targets), and, pocketbun only,
 * slow-client disconnects, per-client ordering, custom messages from server code and shutdown.
 */
import net from "node:net"
import { afterEach, describe, expect, it } from "bun:test"
import { referenceExecutable, startPocketbun, type PocketbunServer } from "../support/servers.ts"
import {
  EventCollector,
  openRawStream,
  postRealtime,
  SdkClients,
  startRestartablePocketbun,
  startRestartableReference,
  waitFor,
  type RawStream,
  type RecordEventData,
  type RestartableServer,
} from "../support/realtime.ts"

const OPEN = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" }

const restartTargets: Array<{ name: string; start: () => Promise<RestartableServer> }> = [{ name: "pocketbun", start: () => startRestartablePocketbun() }]
if (referenceExecutable().path) restartTargets.push({ name: "pocketbase", start: startRestartableReference })

for (const target of restartTargets) {
  describe(`realtime server restart (${target.name})`, () => {
    let server: RestartableServer | null = null
    const sdk = new SdkClients()

    afterEach(async () => {
      await sdk.closeAll()
      await server?.stop()
      server = null
    })

    it("the SDK reconnects with a new clientId, resubscribes by itself and receives new events", async () => {
      server = await target.start()
      await server.admin.collections.create({ name: "notes", ...OPEN, fields: [{ name: "text", type: "text" }] })
      const pb = await sdk.make(server)
      const connects = new EventCollector<{ clientId: string }>("PB_CONNECT listener")
      const notes = new EventCollector<RecordEventData>("notes/*")
      await pb.realtime.subscribe("PB_CONNECT", connects.push)
      await pb.collection("notes").subscribe("*", notes.push)
      const first = (await connects.next()).clientId
      const before = await server.admin.collection("notes").create({ text: "before" })
      expect((await notes.next()).record.id).toBe(before.id)

      await server.halt()
      await server.resume()
      const second = (await connects.next(10_000)).clientId
      expect(second).not.toBe(first)
      await waitFor(() => pb.realtime.isConnected && pb.realtime.clientId === second, 5000, "the SDK to finish resubscribing")
      const after = await server.admin.collection("notes").create({ text: "after" })
      expect(await notes.next(5000)).toMatchObject({ action: "create", record: { id: after.id, text: "after" } })
    }, 30_000)
  })
}

// Everything below is pocketbun only: PocketBase has no per-client buffer (a stalled socket parks
// goroutines forever instead of being dropped), promises no per-client order, and has no
// `realtime.publish` (custom messages need Go or JS hook code).
describe("realtime connections (pocketbun only)", () => {
  let server: PocketbunServer | null = null
  const sdk = new SdkClients()
  const streams: RawStream[] = []
  const sockets: net.Socket[] = []

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy()
    for (const s of streams.splice(0)) await s.close()
    await sdk.closeAll()
    await server?.stop()
    server = null
  })

  /** A raw socket that opens the stream, reads PB_CONNECT for its clientId and then stops reading. */
  async function stalledClient(url: string): Promise<string> {
    const { port } = new URL(url)
    const socket = net.createConnection({ host: "127.0.0.1", port: Number(port) })
    sockets.push(socket)
    let text = ""
    socket.setEncoding("utf8")
    socket.on("data", (chunk) => (text += chunk))
    socket.write(`GET /api/realtime HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    await waitFor(() => /id:([A-Za-z0-9]{40})\n/.test(text), 3000, "PB_CONNECT on the raw socket")
    socket.pause()
    return /id:([A-Za-z0-9]{40})\n/.exec(text)![1]!
  }

  it("drops a stalled client once its buffer overflows, without delaying the others", async () => {
    server = await startPocketbun({ realtimeBuffer: 64 * 1024, realtimeHeartbeat: 60 })
    const hub = server.app.services.realtime.hub
    await server.admin.collections.create({ name: "blobs", ...OPEN, fields: [{ name: "body", type: "text", max: 500_000 }] })
    const pb = await sdk.make(server)
    const blobs = new EventCollector<RecordEventData>("active blobs/*")
    await pb.collection("blobs").subscribe("*", blobs.push)
    const stalledId = await stalledClient(server.url)
    expect((await postRealtime(server.url, { clientId: stalledId, subscriptions: ["blobs/*"] })).status).toBe(204)
    expect(hub.stats().clients).toBe(2)

    const body = "x".repeat(200_000)
    const latencies: number[] = []
    const deadline = Date.now() + 20_000
    while (hub.stats().droppedSlowClients === 0) {
      if (Date.now() > deadline) throw new Error(`the stalled client was never dropped after ${latencies.length} records`)
      const record = await server.admin.collection("blobs").create({ body })
      const createdAt = Date.now()
      const event = await blobs.next(2000)
      expect(event.record.id).toBe(record.id)
      latencies.push(Date.now() - createdAt)
    }
    // The socket buffers took at least one 200 KB record before the 64 KiB queue could overflow
    // (how many depends on the machine's TCP buffer sizes).
    expect(latencies.length).toBeGreaterThanOrEqual(2)
    expect(Math.max(...latencies)).toBeLessThan(1000)
    expect(hub.clientById(stalledId)).toBeUndefined()
    expect(hub.stats().clients).toBe(1)
    const last = await server.admin.collection("blobs").create({ body: "small" })
    expect((await blobs.next()).record.id).toBe(last.id)
  }, 30_000)

  it("still delivers a single frame larger than realtimeBuffer when nothing else is queued", async () => {
    server = await startPocketbun({ realtimeBuffer: 1024 })
    await server.admin.collections.create({ name: "blobs", ...OPEN, fields: [{ name: "body", type: "text", max: 100_000 }] })
    const pb = await sdk.make(server)
    const blobs = new EventCollector<RecordEventData>("blobs/*")
    await pb.collection("blobs").subscribe("*", blobs.push)
    const record = await server.admin.collection("blobs").create({ body: "y".repeat(20_000) })
    const event = await blobs.next()
    expect(event.record.id).toBe(record.id)
    expect(event.record.body).toHaveLength(20_000)
    expect(server.app.services.realtime.hub.stats().droppedSlowClients).toBe(0)
  })

  it("delivers one client's events in commit order, even in a quick burst", async () => {
    server = await startPocketbun()
    await server.admin.collections.create({ name: "counters", ...OPEN, fields: [{ name: "n", type: "number" }] })
    const pb = await sdk.make(server)
    const events = new EventCollector<RecordEventData>("counters/*")
    await pb.collection("counters").subscribe("*", events.push)
    const counter = await server.admin.collection("counters").create({ n: 0 })
    for (let n = 1; n <= 30; n++) await server.admin.collection("counters").update(counter.id, { n })
    await server.admin.collection("counters").delete(counter.id)
    await waitFor(() => events.all.length === 32, 5000, "32 events")
    expect(events.all.map((e) => `${e.action}:${e.record.n}`)).toEqual(["create:0", ...Array.from({ length: 30 }, (_, i) => `update:${i + 1}`), "delete:30"])
  })

  it("realtime.publish reaches exact-key subscribers only, as one JSON line", async () => {
    server = await startPocketbun()
    const realtime = server.app.services.realtime
    const exact = await sdk.make(server)
    const withOptions = await sdk.make(server)
    const plain = new EventCollector<Record<string, unknown>>("notices")
    const optioned = new EventCollector<Record<string, unknown>>("notices?options=…")
    await exact.realtime.subscribe("notices", plain.push)
    await withOptions.realtime.subscribe("notices", optioned.push, { query: { lang: "en" } })
    const optionedKey = `notices?options=${encodeURIComponent(JSON.stringify({ query: { lang: "en" } }))}`
    const raw = await openRawStream(server.url)
    streams.push(raw)
    expect((await postRealtime(server.url, { clientId: raw.clientId, subscriptions: ["notices"] })).status).toBe(204)

    realtime.publish("notices", { text: "multi\nline", n: 1 })
    expect(await plain.next()).toEqual({ text: "multi\nline", n: 1 })
    await raw.reader.until((t) => t.includes("event:notices\n"), "the notice on the raw stream")
    expect(raw.reader.text).toEndWith(`id:${raw.clientId}\nevent:notices\ndata:{"text":"multi\\nline","n":1}\n\n`)
    // The options suffix is part of the key: only a publish to that exact key reaches it.
    realtime.publish(optionedKey, { text: "for en" })
    expect(await optioned.next()).toEqual({ text: "for en" })
    expect(optioned.all).toHaveLength(1)
    expect(plain.all).toHaveLength(1)
  })

  it("onRealtimeMessageSend hooks can rewrite and skip outgoing messages", async () => {
    server = await startPocketbun()
    const realtime = server.app.services.realtime
    const hook = server.app.hooks.onRealtimeMessageSend
    const id = hook.bindFunc((e) => {
      if (e.message.name === "secret") return
      if (e.message.name === "greet") e.message = { name: e.message.name, data: JSON.stringify({ text: "rewritten" }) }
      e.next()
    })
    const remove = () => hook.unbind(id)
    const pb = await sdk.make(server)
    const secret = new EventCollector<unknown>("secret")
    const greet = new EventCollector<unknown>("greet")
    await pb.realtime.subscribe("secret", secret.push)
    await pb.realtime.subscribe("greet", greet.push)
    realtime.publish("secret", { text: "hidden" })
    realtime.publish("greet", { text: "original" })
    expect(await greet.next()).toEqual({ text: "rewritten" })
    remove()
    realtime.publish("secret", { text: "now visible" })
    expect(await secret.next()).toEqual({ text: "now visible" })
    expect(secret.all).toHaveLength(1)
  })

  it("ends every stream on shutdown and leaves no clients behind", async () => {
    server = await startPocketbun()
    const hub = server.app.services.realtime.hub
    const raw = await Promise.all([openRawStream(server.url), openRawStream(server.url)])
    streams.push(...raw)
    expect(hub.stats().clients).toBe(2)
    const stopping = server.stop()
    server = null
    for (const s of raw) await s.reader.ended("the stream to end on shutdown", 3000).catch((error: Error) => {
      // An abrupt close surfaces as a read error; either way the stream must be over.
      if (!/terminated|closed|reset|ECONNRESET/i.test(String(error))) throw error
    })
    await stopping
    expect(hub.stats().clients).toBe(0)
  })
})
