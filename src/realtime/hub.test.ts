import { describe, expect, it } from "bun:test"
import { Client } from "./client.ts"
import { Hub } from "./hub.ts"
import { CollectingSink } from "../../tests/support/realtime-units.ts"
import { deliverCustomMessage } from "./custom-messages.ts"
import { DeliveryQueue } from "./delivery-queue.ts"

const quietHub = () => new Hub({ onError: () => {} })

function connected(hub: Hub, id?: string): { client: Client; sink: CollectingSink } {
  const client = new Client(id === undefined ? {} : { id })
  hub.register(client)
  return { client, sink: new CollectingSink(client) }
}

describe("hub registry", () => {
  it("a new hub has an empty client map (#29)", () => {
    const hub = quietHub()
    expect(hub.clients()).toEqual(new Map())
  })

  it("clients() returns a copy (#30)", () => {
    const hub = quietHub()
    hub.register(new Client())
    hub.register(new Client())
    const copy = hub.clients()
    for (const id of copy.keys()) copy.delete(id)
    expect(hub.stats().clients).toBe(2)
  })

  it("counts clients (#32)", () => {
    const hub = quietHub()
    expect(hub.stats().clients).toBe(0)
    hub.register(new Client())
    hub.register(new Client())
    expect(hub.stats().clients).toBe(2)
  })

  it("finds clients by id (#33)", () => {
    const hub = quietHub()
    const c = new Client()
    hub.register(c)
    expect(hub.clientById(c.id)).toBe(c)
    expect(hub.clientById("missing")).toBeUndefined()
  })

  it("unregister removes and discards only that client (#34)", () => {
    const hub = quietHub()
    const a = new Client()
    const b = new Client()
    hub.register(a)
    hub.register(b)
    hub.unregister(a.id)
    hub.unregister("unknown")
    expect(hub.clientById(a.id)).toBeUndefined()
    expect(a.isDiscarded()).toBe(true)
    expect(hub.clientById(b.id)).toBe(b)
  })

  it("a client discarded elsewhere leaves the registry at once", () => {
    const hub = quietHub()
    const c = new Client()
    hub.register(c)
    c.discard()
    expect(hub.stats().clients).toBe(0)
  })

  it("closeAll discards every client", () => {
    const hub = quietHub()
    const { sink: s1 } = connected(hub)
    const { sink: s2 } = connected(hub)
    hub.closeAll()
    expect(hub.stats().clients).toBe(0)
    expect(s1.closed && s2.closed).toBe(true)
  })
})

describe("topic index", () => {
  it("files registered clients under the bases of their subscriptions, and forgets them", () => {
    const hub = quietHub()
    const a = connected(hub)
    const b = connected(hub)
    a.client.subscribe("posts/*", "posts/*?options={}", "news")
    b.client.subscribe("posts/*")
    expect([...hub.subscribersOf("posts/*")]).toEqual([a.client, b.client])
    a.client.unsubscribe("posts/*")
    expect([...hub.subscribersOf("posts/*")]).toEqual([a.client, b.client])
    a.client.unsubscribe("posts/*?options={}")
    expect([...hub.subscribersOf("posts/*")]).toEqual([b.client])
    b.client.unsubscribe()
    expect([...hub.subscribersOf("posts/*")]).toEqual([])
    hub.unregister(a.client.id)
    expect([...hub.subscribersOf("news")]).toEqual([])
  })

  it("indexes subscriptions made before registration and drops discarded clients", () => {
    const hub = quietHub()
    const early = new Client()
    early.subscribe("t")
    hub.register(early)
    expect([...hub.subscribersOf("t")]).toEqual([early])
    early.discard()
    expect([...hub.subscribersOf("t")]).toEqual([])
  })
})

describe("custom messages", () => {
  const setup = (_hub: Hub) => new DeliveryQueue(() => {})

  it("reach exact key matches only, JSON-encoded, after the current turn", async () => {
    const hub = quietHub()
    const queue = setup(hub)
    const exact = connected(hub)
    exact.client.subscribe("news")
    const withOptions = connected(hub)
    withOptions.client.subscribe("news?options={}")
    deliverCustomMessage(hub, queue, "news", { hello: "world" })
    expect(exact.sink.frames).toEqual([])
    await queue.idle()
    expect(exact.sink.frames).toEqual([{ id: exact.client.id, event: "news", data: '{"hello":"world"}' }])
    expect(withOptions.sink.frames).toEqual([])
  })

  it("refuses topics with line breaks", () => {
    const hub = quietHub()
    expect(() => deliverCustomMessage(hub, setup(hub), "a\nb", 1)).toThrow()
  })

  it("counts events, frames, clients and subscriptions", async () => {
    const hub = quietHub()
    const queue = setup(hub)
    const a = connected(hub)
    a.client.subscribe("t", "u")
    const b = connected(hub)
    b.client.subscribe("t")
    deliverCustomMessage(hub, queue, "t", 1)
    deliverCustomMessage(hub, queue, "nobody", 1)
    await queue.idle()
    expect(hub.stats()).toEqual({ clients: 2, subscriptions: 3, eventsIn: 2, framesOut: 2, droppedSlowClients: 0 })
  })

  it("counts and unregisters clients that overflow", async () => {
    const hub = new Hub({ bufferBytes: 100, onError: () => {} })
    const queue = setup(hub)
    const slow = hub.createClient()
    hub.register(slow)
    slow.subscribe("t")
    deliverCustomMessage(hub, queue, "t", "x".repeat(80))
    deliverCustomMessage(hub, queue, "t", "x".repeat(80))
    await queue.idle()
    expect(slow.isDiscarded()).toBe(true)
    expect(hub.stats().droppedSlowClients).toBe(1)
    expect(hub.stats().clients).toBe(0)
  })

  it("delivers in slices, keeping each client's order", async () => {
    const hub = quietHub()
    const queue = new DeliveryQueue(() => {}, 3)
    const members = Array.from({ length: 10 }, () => connected(hub))
    for (const m of members) m.client.subscribe("t")
    for (let i = 0; i < 5; i++) deliverCustomMessage(hub, queue, "t", i)
    await new Promise((resolve) => setImmediate(resolve))
    // One slice of three frames went out; the rest waits for later turns.
    expect(members.reduce((n, m) => n + m.sink.frames.length, 0)).toBe(3)
    await queue.idle()
    for (const m of members) expect(m.sink.frames.map((f) => f.data)).toEqual(["0", "1", "2", "3", "4"])
  })
})

describe("send hook", () => {
  it("can rewrite or skip messages", () => {
    const hub = new Hub({
      onError: () => {},
      beforeSend: (_c, m) => (m.name === "a" ? { name: m.name, data: '"enriched"' } : m.name === "b" ? null : m),
    })
    const { client, sink } = connected(hub)
    for (const name of ["a", "b", "c"]) client.send({ name, data: "1" })
    expect(sink.frames.map((f) => [f.event, f.data])).toEqual([
      ["a", '"enriched"'],
      ["c", "1"],
    ])
    expect(sink.touches).toBe(1)
  })

  it("a throwing hook disconnects that client only and is reported", () => {
    const errors: unknown[] = []
    const bad = new Client()
    const hub = new Hub({
      onError: (e) => errors.push(e),
      beforeSend: (c, m) => {
        if (c === bad) throw new Error("boom")
        return m
      },
    })
    hub.register(bad)
    const good = connected(hub)
    bad.send({ name: "t", data: "1" })
    good.client.send({ name: "t", data: "1" })
    expect(bad.isDiscarded()).toBe(true)
    expect(good.sink.events).toEqual(["t"])
    expect(errors.length).toBe(1)
  })
})
