import { describe, expect, it } from "bun:test"
import type { Collection, RecordData, RequestInfo } from "../core/types.ts"
import { LocalBroker, connectBroker } from "./broker.ts"
import { Client } from "./client.ts"
import { DeliveryQueue } from "./delivery-queue.ts"
import type { RealtimeEvent, RecordChangeEvent } from "./events.ts"
import { Hub } from "./hub.ts"
import { RecordFanout, type RecordAccess } from "./record-fanout.ts"
import type { RuleKind } from "./topics.ts"
import { authAs, collection, CollectingSink, users } from "../../tests/support/realtime-units.ts"

const posts = collection("posts", { id: "pbc_posts" })

/**
 * Access decided by `rule`; counts calls; renders `{id, title, viewer}`. With `pure`, checks run
 * later in the delivery slices; without, at hand-over (as rules that need the database do).
 */
class CountingAccess implements RecordAccess {
  canSeeCalls: Array<{ kind: RuleKind; auth: string | null; query: Record<string, string> }> = []
  renderCalls = 0
  pure = false
  constructor(public rule: (kind: RuleKind, info: RequestInfo, record: RecordData) => boolean = () => true) {}
  rulesArePure(): boolean {
    return this.pure
  }
  pureCheck(kind: RuleKind, c: Collection, info: RequestInfo): ((record: RecordData) => boolean) | null {
    return this.pure ? (record) => this.canSee(kind, c, record, info) : null
  }
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

const ev = (action: RecordChangeEvent["action"], record: RecordData, col: Collection = posts): RecordChangeEvent => ({ type: "record", action, collection: col, record })

/** A process's realtime around `hub`: queue, fan-out and a local broker; `send` publishes and waits for delivery. */
function harness(hub: Hub, access: RecordAccess, sliceSize?: number) {
  const queue = new DeliveryQueue(() => {}, sliceSize)
  const fanout = new RecordFanout(hub, access, queue)
  const broker = new LocalBroker()
  const stop = connectBroker(broker, { hub, fanout, queue })
  return {
    queue,
    fanout,
    broker,
    stop,
    async send(...events: RealtimeEvent[]) {
      for (const event of events) broker.publish(event)
      await queue.idle()
    },
  }
}

describe("record fan-out", () => {
  it("delivers {record, action} under each matching key (#28)", async () => {
    const hub = new Hub()
    const all = subscriber(hub, ["posts/*"])
    const one = subscriber(hub, ["posts/X"])
    const other = subscriber(hub, ["demo1/*"])
    const gone = subscriber(hub, ["posts/*"])
    gone.client.discard()
    const access = new CountingAccess()
    await harness(hub, access).send(...(["create", "update", "delete"] as const).map((action) => ev(action, { id: "X", title: "t" })))
    const expected = ["create", "update", "delete"].map((a) => JSON.stringify({ record: { id: "X", title: "t", viewer: null }, action: a }))
    expect(all.sink.frames.map((f) => f.data)).toEqual(expected)
    expect(one.sink.frames.map((f) => f.data)).toEqual(expected)
    expect(all.sink.events).toEqual(["posts/*", "posts/*", "posts/*"])
    expect(other.sink.frames).toEqual([])
    expect(gone.sink.frames).toEqual([])
  })

  it("checks list keys with the list rule and record keys with the view rule", async () => {
    const hub = new Hub()
    const list = subscriber(hub, ["posts/*"])
    const view = subscriber(hub, ["posts/X"])
    const access = new CountingAccess((kind) => kind === "view")
    await harness(hub, access).send(ev("create", { id: "X" }))
    expect(list.sink.frames).toEqual([])
    expect(view.sink.events).toEqual(["posts/X"])
  })

  it("sends one frame per matching key, each named after its key", async () => {
    const hub = new Hub()
    const opts = "posts/*?options=" + encodeURIComponent(JSON.stringify({ query: { fields: "id" } }))
    const { sink } = subscriber(hub, ["posts/*", opts, "posts/abc", "pbc_posts/*", "posts"])
    await harness(hub, new CountingAccess()).send(ev("update", { id: "abc" }))
    expect(sink.events.sort()).toEqual(["pbc_posts/*", "posts", "posts/*", opts, "posts/abc"].sort())
  })

  it("passes subscription options as @request.query / headers", async () => {
    const hub = new Hub()
    const key = 'posts/*?options={"query":{"filter":"a=1"},"headers":{"X-Token":7}}'
    subscriber(hub, [key])
    const access = new CountingAccess()
    let seen: RequestInfo | null = null
    access.rule = (_k, info) => ((seen = info), true)
    await harness(hub, access).send(ev("create", { id: "a" }))
    expect(seen!).toMatchObject({ context: "realtime", method: "GET", query: { filter: "a=1" }, headers: { x_token: "7" }, body: {} })
  })

  it.each([
    ["needing the database (grouped at hand-over)", false],
    ["reading only the record (grouped while writing)", true],
  ])("decides once per (rule kind, auth, options) group and renders once per (auth, options), rules %s", async (_name, pure) => {
    const hub = new Hub()
    const guests = Array.from({ length: 50 }, () => subscriber(hub, ["posts/*"]))
    const userA = Array.from({ length: 10 }, () => subscriber(hub, ["posts/*", "posts/X"], authAs("A")))
    const filtered = Array.from({ length: 5 }, () => subscriber(hub, ['posts/*?options={"query":{"filter":"x"}}']))
    const access = new CountingAccess()
    access.pure = pure
    await harness(hub, access, 7).send(ev("create", { id: "X" }))
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

  it("a throwing canSee denies and a throwing render skips, without affecting other groups", async () => {
    const hub = new Hub()
    const guest = subscriber(hub, ["posts/*"])
    const user = subscriber(hub, ["posts/*"], authAs("A"))
    const other = subscriber(hub, ["posts/*"], authAs("B"))
    const access: RecordAccess = {
      rulesArePure: () => false,
      pureCheck: () => null,
      canSee: (_k, _c, _r, info) => {
        if (info.auth === null) throw new Error("sql failed")
        return true
      },
      render: (_c, r, info) => {
        if (info.auth?.record.id === "A") throw new Error("enrich failed")
        return r
      },
    }
    await harness(hub, access).send(ev("create", { id: "1" }))
    expect(guest.sink.frames).toEqual([])
    expect(user.sink.frames).toEqual([])
    expect(other.sink.frames.length).toBe(1)
  })

  it("writes nothing during the writer's turn, then every frame in commit order per client", async () => {
    const hub = new Hub()
    const { sink } = subscriber(hub, ["posts/*"])
    const others = Array.from({ length: 20 }, () => subscriber(hub, ["posts/*"], authAs("B")))
    const access = new CountingAccess()
    access.pure = true
    const rt = harness(hub, access, 7)
    for (let i = 0; i < 4; i++) rt.broker.publish(ev("update", { id: "X", title: i }))
    rt.broker.publish({ type: "custom", topic: "posts/*", data: "custom after" })
    expect(sink.frames).toEqual([])
    await rt.queue.idle()
    const expected = [...[0, 1, 2, 3].map((i) => JSON.stringify({ record: { id: "X", title: i, viewer: null }, action: "update" })), '"custom after"']
    expect(sink.frames.map((f) => f.data)).toEqual(expected)
    for (const other of others) expect(other.sink.frames.map((f) => JSON.parse(f.data).record?.title ?? JSON.parse(f.data))).toEqual([0, 1, 2, 3, "custom after"])
  })

  it("checks database-dependent rules at hand-over, with the state of the event", async () => {
    const hub = new Hub()
    const { sink } = subscriber(hub, ["posts/*"])
    let allowed = true
    const access = new CountingAccess(() => allowed)
    const rt = harness(hub, access)
    rt.broker.publish(ev("create", { id: "1" }))
    allowed = false
    rt.broker.publish(ev("create", { id: "2" }))
    allowed = true
    await rt.queue.idle()
    expect(sink.frames.map((f) => JSON.parse(f.data).record.id)).toEqual(["1"])
  })

  it("judges subscribers with the auth they held at hand-over, so a later login does not widen an event's reach", async () => {
    const hub = new Hub()
    const { client, sink } = subscriber(hub, ["posts/*"])
    const access = new CountingAccess((_k, info) => info.auth?.record.id === "A")
    access.pure = true
    const rt = harness(hub, access)
    rt.broker.publish(ev("create", { id: "before-login" }))
    client.auth = authAs("A")
    rt.broker.publish(ev("create", { id: "after-login" }))
    await rt.queue.idle()
    expect(sink.frames.map((f) => JSON.parse(f.data).record.id)).toEqual(["after-login"])
  })

  it("sends a delete exactly as decided before it, and nothing when it is never handed over", async () => {
    const hub = new Hub()
    const { sink } = subscriber(hub, ["posts/*"])
    let parentExists = true
    const access = new CountingAccess(() => parentExists)
    const rt = harness(hub, access)
    const committed = ev("delete", { id: "child", title: "t" })
    const rolledBack = ev("delete", { id: "other" })
    rt.fanout.decideNow(committed)
    rt.fanout.decideNow(rolledBack)
    parentExists = false
    await rt.send(committed)
    expect(sink.frames.map((f) => JSON.parse(f.data))).toEqual([{ record: { id: "child", title: "t", viewer: null }, action: "delete" }])
  })

  it("auth record update refreshes bound auth before the checks", async () => {
    const hub = new Hub()
    const me = subscriber(hub, ["users/A"], authAs("A", users, { name: "old" }))
    const access = new CountingAccess()
    let nameSeen: unknown
    access.rule = (_k, info) => ((nameSeen = info.auth?.record.name), true)
    await harness(hub, access).send(ev("update", { id: "A", tokenKey: "key_A", name: "new" }, users))
    expect(nameSeen).toBe("new")
    expect(me.client.auth?.record.name).toBe("new")
  })

  it("auth record delete is still seen by the deleted user, who is then demoted", async () => {
    const hub = new Hub()
    const me = subscriber(hub, ["users/A"], authAs("A"))
    const access = new CountingAccess((_k, info) => info.auth !== null)
    await harness(hub, access).send(ev("delete", { id: "A", tokenKey: "key_A" }, users))
    expect(me.sink.frames.length).toBe(1)
    expect(me.client.auth).toBeNull()
    expect(hub.stats().clients).toBe(1)
  })
})

describe("broker seam", () => {
  it("LocalBroker feeds record, custom and collection events into the hub", async () => {
    const hub = new Hub()
    const rt = harness(hub, new CountingAccess())
    const rec = subscriber(hub, ["posts/*", "news"], authAs("A"))
    await rt.send(
      { type: "record", action: "create", collection: posts, record: { id: "1" } },
      { type: "custom", topic: "news", data: { n: 1 } },
      { type: "collection", action: "delete", collection: users },
    )
    expect(rec.sink.events).toEqual(["posts/*", "news"])
    expect(rec.client.auth).toBeNull()
    rt.stop()
    await rt.send({ type: "custom", topic: "news", data: { n: 2 } })
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
