import { describe, expect, it } from "bun:test"
import { Client, STORE_IP } from "./client.ts"
import { Hub } from "./hub.ts"
import { authAs, collection, CollectingSink, superusers, users } from "./test-support.ts"

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
    expect(hub.totalClients()).toBe(2)
  })

  it("chunks clients (#31)", () => {
    const hub = quietHub()
    expect(hub.chunkedClients(2)).toEqual([])
    for (let i = 0; i < 3; i++) hub.register(new Client())
    expect(hub.chunkedClients(2).map((c) => c.length)).toEqual([2, 1])
  })

  it("counts clients (#32)", () => {
    const hub = quietHub()
    expect(hub.totalClients()).toBe(0)
    hub.register(new Client())
    hub.register(new Client())
    expect(hub.totalClients()).toBe(2)
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
    expect(hub.totalClients()).toBe(0)
  })

  it("closeAll discards every client", () => {
    const hub = quietHub()
    const { sink: s1 } = connected(hub)
    const { sink: s2 } = connected(hub)
    hub.closeAll()
    expect(hub.totalClients()).toBe(0)
    expect(s1.closed && s2.closed).toBe(true)
  })
})

describe("custom messages", () => {
  it("publish reaches exact key matches only, JSON-encoded", () => {
    const hub = quietHub()
    const exact = connected(hub)
    exact.client.subscribe("news")
    const withOptions = connected(hub)
    withOptions.client.subscribe("news?options={}")
    hub.publish("news", { hello: "world" })
    expect(exact.sink.frames).toEqual([{ id: exact.client.id, event: "news", data: '{"hello":"world"}' }])
    expect(withOptions.sink.frames).toEqual([])
  })

  it("refuses topics with line breaks", () => {
    expect(() => quietHub().publish("a\nb", 1)).toThrow()
  })

  it("counts events, frames, clients and subscriptions", () => {
    const hub = quietHub()
    const a = connected(hub)
    a.client.subscribe("t", "u")
    const b = connected(hub)
    b.client.subscribe("t")
    hub.publish("t", 1)
    hub.publish("nobody", 1)
    expect(hub.stats()).toEqual({ clients: 2, subscriptions: 3, eventsIn: 2, framesOut: 2, droppedSlowClients: 0 })
  })

  it("counts and unregisters clients that overflow", () => {
    const hub = new Hub({ bufferBytes: 100, onError: () => {} })
    const slow = hub.createClient()
    hub.register(slow)
    slow.subscribe("t")
    hub.publish("t", "x".repeat(80))
    hub.publish("t", "x".repeat(80))
    expect(slow.isDiscarded()).toBe(true)
    expect(hub.stats().droppedSlowClients).toBe(1)
    expect(hub.totalClients()).toBe(0)
  })
})

describe("send hooks", () => {
  it("can enrich, skip, or pass messages through", () => {
    const hub = quietHub()
    const { client, sink } = connected(hub)
    client.subscribe("a", "b", "c")
    hub.onMessageSend((_c, m) => (m.name === "a" ? { name: m.name, data: '"enriched"' } : undefined))
    hub.onMessageSend((_c, m) => (m.name === "b" ? null : undefined))
    hub.publish("a", 1)
    hub.publish("b", 2)
    hub.publish("c", 3)
    expect(sink.frames.map((f) => [f.event, f.data])).toEqual([
      ["a", '"enriched"'],
      ["c", "3"],
    ])
    expect(sink.touches).toBe(1)
  })

  it("a throwing hook disconnects that client only", () => {
    const errors: unknown[] = []
    const hub = new Hub({ onError: (e) => errors.push(e) })
    const bad = connected(hub)
    const good = connected(hub)
    bad.client.subscribe("t")
    good.client.subscribe("t")
    const remove = hub.onMessageSend((c) => {
      if (c === bad.client) throw new Error("boom")
    })
    hub.publish("t", 1)
    expect(bad.client.isDiscarded()).toBe(true)
    expect(good.sink.events).toEqual(["t"])
    expect(errors.length).toBe(1)
    remove()
  })

  it("a hook that returns data with a line break disconnects instead of corrupting the stream", () => {
    const hub = quietHub()
    const { client, sink } = connected(hub)
    client.subscribe("t")
    hub.onMessageSend(() => ({ name: "t", data: "a\nb" }))
    hub.publish("t", 1)
    expect(client.isDiscarded()).toBe(true)
    expect(sink.frames).toEqual([])
  })
})

describe("auth maintenance", () => {
  function bound(hub: Hub, id: string, col = users) {
    const c = new Client()
    c.auth = authAs(id, col)
    hub.register(c)
    return c
  }

  it("refreshes the bound record on update (#21)", () => {
    const hub = quietHub()
    const a = bound(hub, "A")
    hub.refreshAuthRecord(users, { id: "A", tokenKey: "key_A", name: "new" })
    expect(a.auth?.record.name).toBe("new")
  })

  it("a changed tokenKey demotes to guest (#23)", () => {
    const hub = quietHub()
    const a = bound(hub, "A")
    hub.refreshAuthRecord(users, { id: "A", tokenKey: "other" })
    expect(a.auth).toBeNull()
  })

  it("deleting the auth record demotes its clients only, which stay registered (#20)", () => {
    const hub = quietHub()
    const a1 = bound(hub, "A")
    const a2 = bound(hub, "A")
    const b = bound(hub, "B")
    a1.subscribe("x")
    hub.demoteAuthRecord(users, "A")
    expect(a1.auth).toBeNull()
    expect(a2.auth).toBeNull()
    expect(b.auth?.record.id).toBe("B")
    expect(hub.totalClients()).toBe(3)
    expect(a1.hasSubscription("x")).toBe(true)
  })

  it("a changed collection secret demotes that collection's clients only (#24)", () => {
    const hub = quietHub()
    const clientsCol = collection("clients", { type: "auth", authToken: { secret: "c" } })
    const u = bound(hub, "A")
    const c = bound(hub, "C", clientsCol)
    hub.applyCollectionChange({ action: "update", previous: users, collection: { ...users, authToken: { secret: "new" } } })
    hub.applyCollectionChange({ action: "update", previous: clientsCol, collection: { ...clientsCol, listRule: null } })
    expect(u.auth).toBeNull()
    expect(c.auth?.record.id).toBe("C")
  })

  it("deleting an auth collection demotes its clients (#25)", () => {
    const hub = quietHub()
    const u = bound(hub, "A")
    const s = bound(hub, "S", superusers)
    hub.applyCollectionChange({ action: "delete", collection: users })
    expect(u.auth).toBeNull()
    expect(s.auth).not.toBeNull()
  })

  it("keeps the stored IP untouched by maintenance", () => {
    const hub = quietHub()
    const a = bound(hub, "A")
    a.set(STORE_IP, "1.2.3.4")
    hub.demoteAuthRecord(users, "A")
    expect(a.get(STORE_IP)).toBe("1.2.3.4")
  })
})
