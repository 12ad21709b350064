import { describe, expect, it } from "bun:test"
import type { Collection, RecordData, RequestInfo } from "../core/types.ts"
import { LocalBroker, connectBroker } from "./broker.ts"
import { Client } from "./client.ts"
import { Hub } from "./hub.ts"
import type { RecordAccess, RecordEvent } from "./record-fanout.ts"
import type { RuleKind } from "./topics.ts"
import { authAs, collection, CollectingSink, users } from "./test-support.ts"

const posts = collection("posts", { id: "pbc_posts" })

/** In-memory access: public unless the rule says "auth"; counts calls; renders `{id, title, viewer}`. */
class CountingAccess implements RecordAccess {
  canSeeCalls: Array<{ kind: RuleKind; auth: string | null; query: Record<string, string> }> = []
  renderCalls = 0
  constructor(public rule: (kind: RuleKind, info: RequestInfo, record: RecordData) => boolean = () => true) {}
  canSee(kind: RuleKind, _c: Collection, record: RecordData, info: RequestInfo): boolean {
    this.canSeeCalls.push({ kind, auth: (info.auth?.record.id as string) ?? null, query: info.query })
    return this.rule(kind, info, record)
  }
  render(_c: Collection, record: RecordData, info: RequestInfo): unknown {
    this.renderCalls++
    return { id: record.id, title: record.title, viewer: info.auth?.record.id ?? null }
  }
}

function subscriber(hub: Hub, topics: string[], auth: ReturnType<typeof authAs> | null = null) {
  const client = new Client()
  client.auth = auth
  client.subscribe(...topics)
  hub.register(client)
  return { client, sink: new CollectingSink(client) }
}

const ev = (action: RecordEvent["action"], record: RecordData, col: Collection = posts): RecordEvent => ({ action, collection: col, record })

describe("record fan-out", () => {
  it("delivers {record, action} under each matching key (#28)", () => {
    const hub = new Hub()
    const all = subscriber(hub, ["posts/*"])
    const one = subscriber(hub, ["posts/X"])
    const other = subscriber(hub, ["demo1/*"])
    const gone = subscriber(hub, ["posts/*"])
    gone.client.discard()
    const access = new CountingAccess()
    for (const action of ["create", "update", "delete"] as const) hub.broadcastRecordEvent(ev(action, { id: "X", title: "t" }), access)
    const expected = ["create", "update", "delete"].map((a) => JSON.stringify({ record: { id: "X", title: "t", viewer: null }, action: a }))
    expect(all.sink.frames.map((f) => f.data)).toEqual(expected)
    expect(one.sink.frames.map((f) => f.data)).toEqual(expected)
    expect(all.sink.events).toEqual(["posts/*", "posts/*", "posts/*"])
    expect(other.sink.frames).toEqual([])
    expect(gone.sink.frames).toEqual([])
  })

  it("checks list keys with the list rule and record keys with the view rule", () => {
    const hub = new Hub()
    const list = subscriber(hub, ["posts/*"])
    const view = subscriber(hub, ["posts/X"])
    const access = new CountingAccess((kind) => kind === "view")
    hub.broadcastRecordEvent(ev("create", { id: "X" }), access)
    expect(list.sink.frames).toEqual([])
    expect(view.sink.events).toEqual(["posts/X"])
  })

  it("sends one frame per matching key, each named after its key", () => {
    const hub = new Hub()
    const opts = "posts/*?options=" + encodeURIComponent(JSON.stringify({ query: { fields: "id" } }))
    const { sink } = subscriber(hub, ["posts/*", opts, "posts/abc", "pbc_posts/*", "posts"])
    hub.broadcastRecordEvent(ev("update", { id: "abc" }), new CountingAccess())
    expect(sink.events.sort()).toEqual(["pbc_posts/*", "posts", "posts/*", opts, "posts/abc"].sort())
  })

  it("passes subscription options as @request.query / headers", () => {
    const hub = new Hub()
    const key = 'posts/*?options={"query":{"filter":"a=1"},"headers":{"X-Token":7}}'
    subscriber(hub, [key])
    const access = new CountingAccess()
    let seen: RequestInfo | null = null
    access.rule = (_k, info) => ((seen = info), true)
    hub.broadcastRecordEvent(ev("create", { id: "a" }), access)
    expect(seen!).toMatchObject({ context: "realtime", method: "GET", query: { filter: "a=1" }, headers: { x_token: "7" }, body: {} })
  })

  it("decides once per (rule kind, auth, options) group and renders once per (auth, options)", () => {
    const hub = new Hub()
    const guests = Array.from({ length: 50 }, () => subscriber(hub, ["posts/*"]))
    const userA = Array.from({ length: 10 }, () => subscriber(hub, ["posts/*", "posts/X"], authAs("A")))
    const filtered = Array.from({ length: 5 }, () => subscriber(hub, ['posts/*?options={"query":{"filter":"x"}}']))
    const access = new CountingAccess()
    hub.broadcastRecordEvent(ev("create", { id: "X" }), access)
    // guest/list, A/list, A/view, guest+filter/list
    expect(access.canSeeCalls.length).toBe(4)
    // guest, A, guest+filter
    expect(access.renderCalls).toBe(3)
    expect(guests.every((g) => g.sink.frames.length === 1)).toBe(true)
    expect(userA.every((u) => u.sink.frames.length === 2)).toBe(true)
    expect(filtered.every((f) => f.sink.frames.length === 1)).toBe(true)
    expect(JSON.parse(userA[0]!.sink.frames[0]!.data).record.viewer).toBe("A")
    expect(hub.stats().framesOut).toBe(50 + 20 + 5)
  })

  it("a throwing canSee denies and a throwing render skips, without affecting other groups", () => {
    const hub = new Hub()
    const guest = subscriber(hub, ["posts/*"])
    const user = subscriber(hub, ["posts/*"], authAs("A"))
    const other = subscriber(hub, ["posts/*"], authAs("B"))
    const access: RecordAccess = {
      canSee: (_k, _c, _r, info) => {
        if (info.auth === null) throw new Error("sql failed")
        return true
      },
      render: (_c, r, info) => {
        if (info.auth?.record.id === "A") throw new Error("enrich failed")
        return r
      },
    }
    hub.broadcastRecordEvent(ev("create", { id: "1" }), access)
    expect(guest.sink.frames).toEqual([])
    expect(user.sink.frames).toEqual([])
    expect(other.sink.frames.length).toBe(1)
  })

  it("keeps commit order per client when async decisions resolve out of order", async () => {
    const hub = new Hub()
    const { sink } = subscriber(hub, ["posts/*"])
    const delays = [40, 0, 20, 0]
    let n = 0
    const access: RecordAccess = {
      canSee: () => {
        const ms = delays[n++] ?? 0
        return new Promise((resolve) => setTimeout(() => resolve(true), ms))
      },
      render: (_c, r) => r,
    }
    for (let i = 0; i < 4; i++) hub.broadcastRecordEvent(ev("update", { id: "X", n: i }), access)
    hub.publish("posts/*", "custom after")
    await hub.idle()
    expect(sink.frames.map((f) => f.data)).toEqual([
      ...[0, 1, 2, 3].map((i) => JSON.stringify({ record: { id: "X", n: i }, action: "update" })),
      '"custom after"',
    ])
  })

  it("auth record update refreshes bound auth before the checks", () => {
    const hub = new Hub()
    const me = subscriber(hub, ["users/A"], authAs("A", users, { name: "old" }))
    const access = new CountingAccess()
    let nameSeen: unknown
    access.rule = (_k, info) => ((nameSeen = info.auth?.record.name), true)
    hub.broadcastRecordEvent(ev("update", { id: "A", tokenKey: "key_A", name: "new" }, users), access)
    expect(nameSeen).toBe("new")
    expect(me.client.auth?.record.name).toBe("new")
  })

  it("auth record delete is still seen by the deleted user, who is then demoted", () => {
    const hub = new Hub()
    const me = subscriber(hub, ["users/A"], authAs("A"))
    const access = new CountingAccess((_k, info) => info.auth !== null)
    hub.broadcastRecordEvent(ev("delete", { id: "A", tokenKey: "key_A" }, users), access)
    expect(me.sink.frames.length).toBe(1)
    expect(me.client.auth).toBeNull()
    expect(hub.totalClients()).toBe(1)
  })
})

describe("broker seam", () => {
  it("LocalBroker feeds record, custom and collection events into the hub", () => {
    const hub = new Hub()
    const broker = new LocalBroker()
    const stop = connectBroker(hub, broker, new CountingAccess())
    const rec = subscriber(hub, ["posts/*", "news"], authAs("A"))
    broker.publish({ type: "record", action: "create", collection: posts, record: { id: "1" } })
    broker.publish({ type: "custom", topic: "news", data: { n: 1 } })
    broker.publish({ type: "collection", action: "delete", collection: users })
    expect(rec.sink.events).toEqual(["posts/*", "news"])
    expect(rec.client.auth).toBeNull()
    stop()
    broker.publish({ type: "custom", topic: "news", data: { n: 2 } })
    expect(rec.sink.frames.length).toBe(2)
  })

  it("a failing handler does not stop the others", () => {
    const errors: unknown[] = []
    const broker = new LocalBroker((e) => errors.push(e))
    let got = 0
    broker.subscribe(() => {
      throw new Error("x")
    })
    broker.subscribe(() => void got++)
    broker.publish({ type: "custom", topic: "t", data: 1 })
    expect(got).toBe(1)
    expect(errors.length).toBe(1)
  })
})
