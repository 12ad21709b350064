/** The WebSocket transport on a bare hub: native publish to shared topics, per-socket order, discard. */
import { afterEach, describe, expect, it } from "bun:test"
import type { Server } from "bun"
import { Hook, type RealtimeSubscribeRequestEvent } from "../hooks/index.ts"
import { Hub } from "./hub.ts"
import { applySubscriptions } from "./subscribe-request.ts"
import { encodeFrameTail } from "./sse.ts"
import { createWsTransport, type WsTransport } from "./ws-transport.ts"
import { TestSocket } from "../../tests/support/websocket.ts"
import { waitFor } from "../../tests/support/realtime.ts"

const LIMITS = { maxSubscriptions: 100, subscribesPerSecond: 100, connectionsPerIp: 100, connectionsPerUser: 100 }

describe("WebSocket sink and its native publish", () => {
  let server: Server<unknown> | null = null
  const sockets: TestSocket[] = []
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close()
    await server?.stop(true)
  })

  async function start(): Promise<{ hub: Hub; transport: WsTransport; url: string }> {
    const hub = new Hub()
    const transport = createWsTransport({
      hub,
      subscribe: async (request) => applySubscriptions(hub, new Hook<RealtimeSubscribeRequestEvent>("onRealtimeSubscribeRequest"), request),
      identify: () => null,
      renderAuth: () => ({}),
      collections: () => [],
      ipOf: () => "127.0.0.1",
      limits: LIMITS,
    })
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request, s) => transport.upgrade(request, s), websocket: transport.websocket })
    return { hub, transport, url: `http://127.0.0.1:${server.port}` }
  }

  async function subscribed(url: string, topics: string[]): Promise<TestSocket> {
    const socket = await TestSocket.open(url)
    sockets.push(socket)
    await socket.request({ type: "subscribe", subscriptions: topics }, "subscribed")
    return socket
  }

  it("publishes once to sockets that share a topic, and keeps each socket's order when one holds more", async () => {
    const { hub, transport, url } = await start()
    const crowd = [await subscribed(url, ["news"]), await subscribed(url, ["news"]), await subscribed(url, ["news"])]
    const busy = await subscribed(url, ["news", "sport"])
    const sends = 50
    for (let i = 0; i < sends; i++) {
      const news = { name: "news", data: JSON.stringify(i) }
      const tail = encodeFrameTail(news)
      for (const client of hub.clients().values()) if (client.hasSubscription("news")) client.sendEncoded(news, tail)
      hub.clientById(busy.clientId)!.send({ name: "sport", data: JSON.stringify(1000 + i) })
    }
    for (const socket of [...crowd, busy]) await waitFor(() => socket.messages.all.filter((m) => m.topic === "news").length === sends, 3000, "every news message")
    for (const socket of crowd) expect(socket.messages.all.filter((m) => m.type === "message").map((m) => m.data)).toEqual([...Array(sends).keys()])
    await waitFor(() => busy.messages.all.filter((m) => m.topic === "sport").length === sends, 3000, "every sport message")
    const expected = [...Array(sends).keys()].flatMap((i) => [i, 1000 + i])
    expect(busy.messages.all.filter((m) => m.type === "message").map((m) => m.data)).toEqual(expected)
    const stats = transport.stats()
    // news went to four subscribers of one topic: published once each time.
    expect(stats.published).toBe(sends)
    expect(stats.publishedTo).toBe(sends * 4)
  })

  it("never publishes to a subscriber that does not have the frame", async () => {
    const { hub, transport, url } = await start()
    const a = await subscribed(url, ["room"])
    const b = await subscribed(url, ["room"])
    const c = await subscribed(url, ["room"])
    const message = { name: "room", data: '"for a and b"' }
    const tail = encodeFrameTail(message)
    hub.clientById(a.clientId)!.sendEncoded(message, tail)
    hub.clientById(b.clientId)!.sendEncoded(message, tail)
    hub.clientById(c.clientId)!.send({ name: "room", data: '"for c"' })
    for (const socket of [a, b, c]) await waitFor(() => socket.messages.all.some((m) => m.type === "message"), 3000, "the message")
    expect(c.messages.all.filter((m) => m.type === "message").map((m) => m.data)).toEqual(["for c"])
    expect(transport.stats().published).toBe(0)
  })

  it("closes the socket when the hub discards a slow client", async () => {
    const { hub, url } = await start()
    const socket = await subscribed(url, ["x"])
    hub.unregister(socket.clientId)
    await waitFor(() => socket.readyState === WebSocket.CLOSED, 3000, "the close")
  })
})
