/**
 * What the realtime inspector reads: each client's transport, IP, identity, subscriptions with
 * their options (header values hidden) and buffer use, and events counted per collection.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { waitFor } from "../support/realtime.ts"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"

describe("realtime presence for the inspector", () => {
  let server: PocketbunServer
  beforeAll(async () => {
    server = await startPocketbun({ realtimeBuffer: 65_536 })
    await server.admin.collections.create({ name: "notes", type: "base", listRule: "", viewRule: "", fields: [{ name: "text", type: "text" }] })
  })
  afterAll(() => server.stop())

  it("lists a subscriber's transport, IP, subscriptions with options and buffer use", async () => {
    const subscriber = server.client()
    const unsubscribe = await subscriber.collection("notes").subscribe("*", () => undefined, { query: { page: "2" }, headers: { "x-secret": "do-not-show" } })
    try {
      const { items } = await server.admin.send("/api/realtime/clients", {})
      const mine = items.find((c: { id: string }) => c.id === subscriber.realtime.clientId)
      expect(mine).toMatchObject({ transport: "sse", ip: "127.0.0.1", auth: null, subscriptions: 1, bufferBytes: 65_536, queuedBytes: 0 })
      expect(mine.topics).toHaveLength(1)
      expect(mine.topics[0].topic).toBe("notes/*")
      expect(mine.topics[0].options).toEqual({ query: { page: "2" }, headers: { x_secret: "…" } })
      expect(JSON.stringify(items)).not.toContain("do-not-show")
    } finally {
      await unsubscribe()
    }
  })

  it("counts events per collection in the stats", async () => {
    const before = (await server.admin.send("/api/realtime/stats", {})).nodes[0].eventsByCollection.notes ?? 0
    await server.admin.collection("notes").create({ text: "one" })
    await server.admin.collection("notes").create({ text: "two" })
    await waitFor(async () => (await server.admin.send("/api/realtime/stats", {})).nodes[0].eventsByCollection.notes === before + 2, 2_000, "two notes events counted")
    const stats = await server.admin.send("/api/realtime/stats", {})
    expect(stats.broker).toBe("local")
  })
})
