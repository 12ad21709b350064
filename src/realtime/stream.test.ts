import { afterEach, describe, expect, it } from "bun:test"
import net from "node:net"
import type { Server } from "bun"
import type { RequestInfo } from "../core/types.ts"
import { STORE_IP } from "./client.ts"
import { deliverCustomMessage } from "./custom-messages.ts"
import { DeliveryQueue } from "./delivery-queue.ts"
import { Hub, type HubOptions } from "./hub.ts"
import { RecordFanout, type RecordAccess } from "./record-fanout.ts"
import { openStream, type StreamOptions } from "./stream.ts"
import { authAs, collection, eventually, SseReader } from "../../tests/support/realtime-units.ts"

const posts = collection("posts")
let hub: Hub
let queue: DeliveryQueue
let server: Server<undefined> | null = null
let streamOptions: StreamOptions = {}
const opened: SseReader[] = []
const sockets: net.Socket[] = []

function start(options: StreamOptions = {}, hubOptions: HubOptions = {}): string {
  hub = new Hub({ onError: () => {}, ...hubOptions })
  queue = new DeliveryQueue(() => {})
  streamOptions = options
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req, srv) {
      // Bun would close the quiet stream after 10 s otherwise.
      srv.timeout(req, 0)
      return openStream(hub, { ip: srv.requestIP(req)?.address, signal: req.signal, ...streamOptions })
    },
  })
  return `http://127.0.0.1:${server.port}/api/realtime`
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  for (const r of opened.splice(0)) await r.cancel().catch(() => {})
  hub?.closeAll()
  server?.stop(true)
  server = null
})

async function connect(url: string, init?: RequestInit): Promise<{ res: Response; reader: SseReader; clientId: string }> {
  const res = await fetch(url, init)
  const reader = new SseReader(res.body!)
  opened.push(reader)
  await reader.until((t) => t.includes("\n\n"), "PB_CONNECT")
  const clientId = reader.frames()[0]!.id
  return { res, reader, clientId }
}

function subscribe(clientId: string, subscriptions: string[], auth: ReturnType<typeof authAs> | null = null): void {
  const client = hub.clientById(clientId)!
  client.auth = auth
  client.subscribe(...subscriptions)
}

const publish = (topic: string, data: unknown) => deliverCustomMessage(hub, queue, topic, data)

describe("realtime stream", () => {
  it("answers with SSE headers and exact PB_CONNECT bytes first", async () => {
    const url = start()
    const { res, reader, clientId } = await connect(url)
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toBe("text/event-stream")
    expect(res.headers.get("cache-control")).toBe("no-store")
    expect(res.headers.get("x-accel-buffering")).toBe("no")
    expect(clientId).toMatch(/^[A-Za-z0-9]{40}$/)
    expect(reader.text).toBe(`id:${clientId}\nevent:PB_CONNECT\ndata:{"clientId":"${clientId}"}\n\n`)
    expect(hub.clientById(clientId)?.get(STORE_IP)).toBe("127.0.0.1")
  })

  it("unregisters the client as soon as the reader cancels", async () => {
    const url = start()
    const { reader } = await connect(url)
    expect(hub.stats().clients).toBe(1)
    await reader.cancel()
    await eventually(() => hub.stats().clients === 0, "client count back to 0 after cancel")
  })

  it("unregisters when the request is aborted", async () => {
    const url = start()
    const abort = new AbortController()
    await connect(url, { signal: abort.signal })
    abort.abort()
    await eventually(() => hub.stats().clients === 0, "client count back to 0 after abort")
  })

  it("sends heartbeat comment frames", async () => {
    const url = start({ heartbeatMs: 40 })
    const { reader } = await connect(url)
    await reader.until((t) => t.endsWith("\n\n:\n\n"), "a heartbeat frame")
  })

  it("ends a quiet stream after the idle timeout, and each message restarts it", async () => {
    const url = start({ idleTimeoutMs: 250, heartbeatMs: 0 })
    const { reader, clientId } = await connect(url)
    subscribe(clientId, ["tick"])
    const opened = Date.now()
    for (let i = 0; i < 8; i++) {
      publish("tick", i)
      await reader.until((t) => t.includes(`data:${i}\n`), `tick ${i}`)
      await Bun.sleep(100)
    }
    expect(reader.done).toBe(false)
    expect(Date.now() - opened).toBeGreaterThan(500)
    await reader.ended("idle timeout to end the stream")
    expect(hub.stats().clients).toBe(0)
  })

  it("ends a busy stream at its max lifetime", async () => {
    const url = start({ maxLifetimeMs: 300, idleTimeoutMs: 60_000 })
    const { reader, clientId } = await connect(url)
    subscribe(clientId, ["tick"])
    const timer = setInterval(() => publish("tick", 1), 20)
    try {
      await reader.ended("max lifetime to end the stream")
    } finally {
      clearInterval(timer)
    }
    expect(hub.stats().clients).toBe(0)
  })

  it("closeAll ends every stream cleanly", async () => {
    const url = start()
    const readers = await Promise.all([connect(url), connect(url), connect(url)])
    hub.closeAll()
    for (const { reader } of readers) await reader.ended("closeAll to end the stream")
    expect(hub.stats().clients).toBe(0)
  })

  it("a send hook that throws on PB_CONNECT ends the stream with an empty body", async () => {
    const url = start({}, {
      beforeSend: () => {
        throw new Error("no")
      },
    })
    const res = await fetch(url)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe("")
    expect(hub.stats().clients).toBe(0)
  })

  it("disconnects a stalled reader while another client keeps receiving promptly", async () => {
    const url = start({ bufferBytes: 64 * 1024, heartbeatMs: 0 })
    const active = await connect(url)
    // A raw socket that sends the request and then never reads: the kernel buffers fill, Bun's
    // writes start to wait, and the client's own queue grows until it overflows.
    const port = new URL(url).port
    const stalled = net.createConnection({ host: "127.0.0.1", port: Number(port) }, () => {
      stalled.write(`GET /api/realtime HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
    })
    stalled.pause()
    sockets.push(stalled)
    await eventually(() => hub.stats().clients === 2, "the stalled client to register")
    for (const c of hub.clients().values()) c.subscribe("big", "ping")

    // The active client drains in the background, counting bytes and watching for "ping".
    let received = 0
    let pingAt = 0
    let tail = ""
    const pump = (async () => {
      await active.reader.until((t) => {
        received = t.length
        tail = t.slice(-200)
        if (t.length > 1 << 16) active.reader.text = t.slice(-200)
        if (tail.includes("event:ping")) pingAt ||= Date.now()
        return pingAt > 0
      }, "ping on the active client", 20_000)
    })()

    const payload = "x".repeat(32 * 1024)
    const deadline = Date.now() + 15_000
    let published = 0
    while (hub.stats().droppedSlowClients === 0) {
      if (Date.now() > deadline) throw new Error("stalled client was never disconnected")
      publish("big", payload)
      published++
      await Bun.sleep(1)
    }
    // Far more than the 64 KiB cap went out before the drop: it came from backpressure on a
    // stalled socket, not from one synchronous burst.
    expect(published * payload.length).toBeGreaterThan(1 << 20)
    expect(hub.stats().clients).toBe(1)
    expect(hub.clientById(active.clientId)).toBeDefined()
    const sentAt = Date.now()
    publish("ping", 1)
    await pump
    expect(received).toBeGreaterThan(0)
    expect(pingAt - sentAt).toBeLessThan(1000)
  }, 30_000)

  it("decides once per group of equivalent subscribers and writes the same payload to each", async () => {
    const url = start()
    const guests = await Promise.all(Array.from({ length: 6 }, () => connect(url)))
    const user = await connect(url)
    for (const g of guests) subscribe(g.clientId, ["posts/*"])
    subscribe(user.clientId, ["posts/*"], authAs("A"))
    const calls: Array<string | null> = []
    let renders = 0
    const access: RecordAccess = {
      rulesArePure: () => false,
      pureCheck: () => null,
      canSee: (_k, _c, _r, info: RequestInfo) => {
        calls.push((info.auth?.record.id as string) ?? null)
        return true
      },
      render: (_c, r, info) => (renders++, { ...r, viewer: info.auth?.record.id ?? null }),
    }
    new RecordFanout(hub, access, queue).deliver({ type: "record", action: "create", collection: posts, record: { id: "p1" } })
    for (const c of [...guests, user]) await c.reader.until((t) => t.includes("event:posts/*"), "the record event")
    expect(calls.sort()).toEqual(["A", null].sort() as Array<string | null>)
    expect(renders).toBe(2)
    const guestData = guests.map((g) => g.reader.frames()[1]!.data)
    expect(new Set(guestData).size).toBe(1)
    expect(JSON.parse(guestData[0]!)).toEqual({ record: { id: "p1", viewer: null }, action: "create" })
    expect(JSON.parse(user.reader.frames()[1]!.data).record.viewer).toBe("A")
    for (const g of guests) expect(g.reader.frames()[1]!.id).toBe(g.clientId)
  })
})

describe("stream close callback", () => {
  it("runs onClose once after the client is unregistered", async () => {
    let closedWith: string | null = null
    let registeredAtClose = true
    const url = start({
      onClose: (client) => {
        closedWith = client.id
        registeredAtClose = hub.clientById(client.id) !== undefined
      },
    })
    const { reader, clientId } = await connect(url)
    await reader.cancel()
    await eventually(() => closedWith !== null, "onClose to run")
    expect(closedWith!).toBe(clientId)
    expect(registeredAtClose).toBe(false)
  })
})
