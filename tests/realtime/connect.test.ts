/**
 * Opening the realtime stream: PB_CONNECT bytes and headers over raw fetch, the SDK's view of the
 * connection, and (pocketbun only) the hub's client count, heartbeats and timeouts. The wire
 * checks run against pocketbun and, where installed, the reference PocketBase.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test"
import { conformanceTargets, startPocketbun, type PocketbunServer, type TestServer } from "../support/servers.ts"
import { EventCollector, openRawStream, postRealtime, SdkClients, SseReader, waitFor, type RawStream, type RecordEventData, closeAfterEach } from "../support/realtime.ts"

for (const target of conformanceTargets()) {
  describe(`realtime connect (${target.name})`, () => {
    let server: TestServer
    const streams: RawStream[] = []
    const sdk = new SdkClients()

    beforeAll(async () => {
      server = await target.start()
    }, 30_000)
    closeAfterEach(streams, sdk)
    afterAll(async () => {
      await server?.stop()
    })

    it("answers 200 text/event-stream with PocketBase's headers and PB_CONNECT as the exact first bytes", async () => {
      const stream = await openRawStream(server.url, { headers: { Origin: "http://example.com" } })
      streams.push(stream)
      const { response, reader, clientId } = stream
      expect(response.status).toBe(200)
      expect(response.headers.get("content-type")).toBe("text/event-stream")
      expect(response.headers.get("cache-control")).toBe("no-store")
      expect(response.headers.get("x-accel-buffering")).toBe("no")
      expect(response.headers.get("x-content-type-options")).toBe("nosniff")
      expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN")
      expect(response.headers.get("x-xss-protection")).toBe("1; mode=block")
      expect(response.headers.get("access-control-allow-origin")).toBe("*")
      expect(response.headers.get("content-length")).toBeNull()
      expect(clientId).toMatch(/^[A-Za-z0-9]{40}$/)
      expect(reader.text).toBe(`id:${clientId}\nevent:PB_CONNECT\ndata:{"clientId":"${clientId}"}\n\n`)
    })

    it("ignores Authorization and Last-Event-ID on the GET and issues a fresh clientId every time", async () => {
      const first = await openRawStream(server.url)
      const second = await openRawStream(server.url, { headers: { "Last-Event-ID": first.clientId, Authorization: "Bearer nonsense" } })
      streams.push(first, second)
      expect(second.response.status).toBe(200)
      expect(second.clientId).toMatch(/^[A-Za-z0-9]{40}$/)
      expect(second.clientId).not.toBe(first.clientId)
    })

    it("gives the SDK its clientId from PB_CONNECT and calls PB_CONNECT listeners", async () => {
      const pb = await sdk.make(server)
      const connects = new EventCollector<{ clientId: string }>("PB_CONNECT listener")
      await pb.realtime.subscribe("PB_CONNECT", connects.push)
      const event = await connects.next()
      expect(event.clientId).toMatch(/^[A-Za-z0-9]{40}$/)
      expect(pb.realtime.clientId).toBe(event.clientId)
      expect(pb.realtime.isConnected).toBe(true)
    })

    it("keeps several SDK clients independent, each with its own clientId", async () => {
      const clients = await Promise.all([sdk.make(server), sdk.make(server), sdk.make(server)])
      await Promise.all(clients.map((pb) => pb.realtime.subscribe("PB_CONNECT", () => {})))
      const ids = new Set(clients.map((pb) => pb.realtime.clientId))
      expect(ids.size).toBe(3)
      // Unsubscribing one closes only its stream.
      await clients[0]!.realtime.unsubscribe()
      expect(clients[0]!.realtime.clientId).toBe("")
      expect(clients[1]!.realtime.isConnected).toBe(true)
      expect(clients[2]!.realtime.isConnected).toBe(true)
    })
  })
}

// Hub internals and our own timers: PocketBase has no client count over HTTP, sends no heartbeat,
// and fixes its idle (5 min) and max (30 min) timeouts unless Go/JS hooks change them.
describe("realtime connect (pocketbun only)", () => {
  let server: PocketbunServer
  const sdk = new SdkClients()
  const streams: RawStream[] = []

  afterEach(async () => {
    for (const s of streams.splice(0)) await s.close()
    await sdk.closeAll()
    await server?.stop()
  })

  it("brings the client count back to 0 after raw and SDK clients disconnect", async () => {
    server = await startPocketbun()
    const hub = server.app.services.realtime.hub
    const raw = await Promise.all([openRawStream(server.url), openRawStream(server.url)])
    const pbs = await Promise.all([sdk.make(server), sdk.make(server)])
    await Promise.all(pbs.map((pb) => pb.realtime.subscribe("anything", () => {})))
    await waitFor(() => hub.stats().clients === 4, 3000, "4 registered clients")
    for (const r of raw) await r.close()
    await waitFor(() => hub.stats().clients === 2, 3000, "raw clients unregistered after cancel")
    await sdk.closeAll()
    await waitFor(() => hub.stats().clients === 0, 3000, "client count back to 0 after the SDK closed its streams")
    expect(hub.stats().subscriptions).toBe(0)
  })

  it("unregisters a client whose request is aborted", async () => {
    server = await startPocketbun()
    const hub = server.app.services.realtime.hub
    const abort = new AbortController()
    await openRawStream(server.url, { signal: abort.signal })
    expect(hub.stats().clients).toBe(1)
    abort.abort()
    await waitFor(() => hub.stats().clients === 0, 3000, "the aborted client to be unregistered")
  })

  it("ends the connection with an empty 200 and unregisters the client when a send hook throws on PB_CONNECT", async () => {
    server = await startPocketbun()
    const hub = server.app.services.realtime.hub
    const errors: unknown[] = []
    server.app.hooks.onRealtimeMessageSend.bindFunc((e) => {
      if (e.message.name === "PB_CONNECT") {
        errors.push(e.message)
        throw new Error("refused by a hook")
      }
      e.next()
    })
    const originalError = console.error
    console.error = () => {}
    try {
      const response = await fetch(`${server.url}/api/realtime`)
      expect(response.status).toBe(200)
      expect(await response.text()).toBe("")
    } finally {
      console.error = originalError
    }
    expect(errors).toHaveLength(1)
    await waitFor(() => hub.stats().clients === 0, 1000, "the refused client to be unregistered")
  })

  it("keeps the connection open when a send hook skips PB_CONNECT, until the peer goes away", async () => {
    server = await startPocketbun()
    const hub = server.app.services.realtime.hub
    // Not calling next() skips the message.
    server.app.hooks.onRealtimeMessageSend.bindFunc((e) => void (e.message.name === "PB_CONNECT" || e.next()))
    const abort = new AbortController()
    const pending = fetch(`${server.url}/api/realtime`, { signal: abort.signal }).catch(() => null)
    await waitFor(() => hub.stats().clients === 1, 2000, "the client to register")
    const [client] = hub.clients().values()
    expect((await postRealtime(server.url, { clientId: client!.id, subscriptions: ["later"] })).status).toBe(204)
    server.app.services.realtime.publish("later", { ok: true })
    const response = await pending
    const reader = new SseReader(response!.body!)
    await reader.until((t) => t.includes("event:later"), "the message published after the skipped PB_CONNECT")
    expect(reader.text).toBe(`id:${client!.id}\nevent:later\ndata:{"ok":true}\n\n`)
    abort.abort()
    await waitFor(() => hub.stats().clients === 0, 2000, "the client to be unregistered after the abort")
  })

  it("sends heartbeat comments every realtimeHeartbeat seconds, which do not count as activity", async () => {
    // PocketBase sends no heartbeat; ours keeps proxies from cutting quiet streams, yet the idle
    // timeout still counts only real messages.
    server = await startPocketbun({ realtimeHeartbeat: 0.1, realtimeIdleTimeout: 1 })
    const stream = await openRawStream(server.url)
    streams.push(stream)
    const opened = Date.now()
    await stream.reader.until((t) => t.split(":\n\n").length - 1 >= 3, "three heartbeat comments", 2000)
    expect(stream.reader.text.startsWith(`id:${stream.clientId}\nevent:PB_CONNECT\n`)).toBe(true)
    await stream.reader.ended("the idle timeout to close the stream despite heartbeats", 3000)
    expect(Date.now() - opened).toBeGreaterThanOrEqual(900)
    expect(stream.reader.frames().map((f) => f.event)).toEqual(["PB_CONNECT"])
  })

  it("closes a quiet stream after realtimeIdleTimeout and the SDK reconnects and resubscribes", async () => {
    server = await startPocketbun({ realtimeIdleTimeout: 0.5 })
    await server.admin.collections.create({ name: "notes", listRule: "", viewRule: "", createRule: "", fields: [{ name: "text", type: "text" }] })
    const pb = await sdk.make(server)
    const connects = new EventCollector<{ clientId: string }>("PB_CONNECT listener")
    const events = new EventCollector<RecordEventData>("notes/*")
    await pb.realtime.subscribe("PB_CONNECT", connects.push)
    await pb.collection("notes").subscribe("*", events.push)
    const first = (await connects.next()).clientId
    const second = (await connects.next(4000)).clientId
    expect(second).not.toBe(first)
    await waitFor(() => pb.realtime.isConnected, 3000, "the SDK to finish resubscribing")
    const note = await server.admin.collection("notes").create({ text: "after reconnect" })
    const event = await events.next()
    expect(event).toMatchObject({ action: "create", record: { id: note.id, text: "after reconnect" } })
  })

  it("a delivered message restarts the idle timer", async () => {
    server = await startPocketbun({ realtimeIdleTimeout: 0.6, realtimeHeartbeat: 60 })
    const stream = await openRawStream(server.url)
    streams.push(stream)
    const post = await fetch(`${server.url}/api/realtime`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ clientId: stream.clientId, subscriptions: ["tick"] }) })
    expect(post.status).toBe(204)
    const opened = Date.now()
    for (let i = 0; i < 4; i++) {
      await Bun.sleep(300)
      server.app.services.realtime.publish("tick", { i })
      await stream.reader.until((t) => t.includes(`data:{"i":${i}}`), `tick ${i}`)
    }
    // 1.2 s of ticks kept a 0.6 s idle timeout from firing; without them the stream ends.
    expect(Date.now() - opened).toBeGreaterThan(1100)
    expect(stream.reader.done).toBe(false)
    await stream.reader.ended("the idle timeout once the ticks stop", 2000)
  })

  it("closes the stream after realtimeMaxLifetime whatever the traffic", async () => {
    server = await startPocketbun({ realtimeMaxLifetime: 0.5, realtimeHeartbeat: 0.1 })
    const stream = await openRawStream(server.url)
    streams.push(stream)
    await stream.reader.ended("the max lifetime to close the stream", 2000)
    await waitFor(() => server.app.services.realtime.hub.stats().clients === 0, 1000, "the expired client to be unregistered")
  })
})
