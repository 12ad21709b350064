import { describe, expect, it } from "bun:test"
import { Client, newClientId } from "./client.ts"
import { CollectingSink } from "../../tests/support/realtime-units.ts"

describe("client", () => {
  it("starts empty, not discarded, with an id (#35)", () => {
    const c = new Client()
    expect(c.id.length).toBeGreaterThan(0)
    expect(c.topics()).toEqual([])
    expect(c.isDiscarded()).toBe(false)
    expect(c.queuedBytes).toBe(0)
  })

  it("ids are unique, 40 chars of [A-Za-z0-9] (#36)", () => {
    const ids = new Set<string>()
    for (let i = 0; i < 500; i++) {
      const id = newClientId()
      expect(id).toMatch(/^[A-Za-z0-9]{40}$/)
      ids.add(id)
    }
    expect(ids.size).toBe(500)
  })

  it("lists its topics in subscription order, as a copy", () => {
    const c = new Client()
    c.subscribe("sub1", "sub11", "sub2")
    expect(c.topics()).toEqual(["sub1", "sub11", "sub2"])
    c.topics().pop()
    expect(c.hasSubscription("sub2")).toBe(true)
  })

  it("indexes subscriptions by base, in subscription order", () => {
    const c = new Client()
    c.subscribe("posts/*", "posts/*?options={}", "news")
    expect(c.subscriptionsWithBase("posts/*").map((s) => s.raw)).toEqual(["posts/*", "posts/*?options={}"])
    expect([...c.bases()]).toEqual(["posts/*", "news"])
    c.unsubscribe("posts/*")
    expect(c.subscriptionsWithBase("posts/*").map((s) => s.raw)).toEqual(["posts/*?options={}"])
  })

  it("skips the empty topic (#38)", () => {
    const c = new Client()
    c.subscribe("", "sub1", "sub2", "sub3")
    expect(c.subscriptionCount).toBe(3)
  })

  it("stores parsed options under the raw key (#39)", () => {
    const c = new Client()
    c.subscribe("test1", 'test2?options={"query":{"name":123},"headers":{"X-Token":456}}')
    expect(c.subscriptionsWithBase("test1")[0]!.options).toEqual({ query: {}, headers: {} })
    expect(c.subscriptionsWithBase("test2")[0]!.options).toEqual({
      query: { name: "123" },
      headers: { x_token: "456" },
    })
  })

  it("unsubscribes one key or all (#40)", () => {
    const c = new Client()
    c.subscribe("sub1", "sub2", "sub3")
    c.unsubscribe("sub1")
    expect(c.topics()).toEqual(["sub2", "sub3"])
    c.unsubscribe()
    expect(c.subscriptionCount).toBe(0)
    expect(c.subscriptionsWithBase("sub2")).toEqual([])
  })

  it("hasSubscription is an exact match (#41)", () => {
    const c = new Client()
    expect(c.hasSubscription("missing")).toBe(false)
    c.subscribe("sub", "opt?options={}")
    expect(c.hasSubscription("sub")).toBe(true)
    expect(c.hasSubscription("opt")).toBe(false)
  })

  it("store set/get (#42)", () => {
    const c = new Client()
    expect(c.get("demo")).toBeUndefined()
    c.set("demo", 1)
    expect(c.get("demo")).toBe(1)
  })

  it("discard is idempotent and marks the client (#43)", () => {
    const c = new Client()
    const sink = new CollectingSink(c)
    expect(c.isDiscarded()).toBe(false)
    c.discard()
    c.discard()
    expect(c.isDiscarded()).toBe(true)
    expect(sink.closed).toBe(true)
  })

  it("delivers sends before discard and ignores those after (#44)", () => {
    const c = new Client({ id: "cid" })
    const sink = new CollectingSink(c)
    c.send({ name: "m1", data: "1" })
    c.send({ name: "m2", data: "2" })
    c.discard()
    expect(() => {
      c.send({ name: "m3", data: "3" })
      c.send({ name: "m4", data: "4" })
    }).not.toThrow()
    expect(sink.frames).toEqual([
      { id: "cid", event: "m1", data: "1" },
      { id: "cid", event: "m2", data: "2" },
    ])
  })

  it("keeps frames queued until a sink attaches, in order", () => {
    const c = new Client({ id: "q" })
    c.send({ name: "a", data: "1" })
    c.send({ name: "b", data: "2" })
    expect(c.queuedBytes).toBeGreaterThan(0)
    const sink = new CollectingSink(c)
    expect(sink.events).toEqual(["a", "b"])
    expect(c.queuedBytes).toBe(0)
  })

  it("overflow disconnects instead of dropping silently", () => {
    const c = new Client({ bufferBytes: 200 })
    const big = "x".repeat(150)
    c.send({ name: "a", data: big })
    expect(c.isDiscarded()).toBe(false)
    c.send({ name: "b", data: big })
    expect(c.isDiscarded()).toBe(true)
    expect(c.queuedBytes).toBe(0)
  })

  it("one frame larger than the cap still goes out when nothing is waiting", () => {
    const c = new Client({ bufferBytes: 10 })
    c.send({ name: "a", data: "x".repeat(100) })
    expect(c.isDiscarded()).toBe(false)
    const sink = new CollectingSink(c)
    expect(sink.events).toEqual(["a"])
  })

  it("heartbeats are skipped while frames wait", () => {
    const c = new Client()
    c.sendHeartbeat()
    const first = c.queuedBytes
    expect(first).toBe(3)
    c.sendHeartbeat()
    expect(c.queuedBytes).toBe(first)
  })
})
