/**
 * Bounded buffers on the WebSocket transport: a peer that stops reading is cut once its backlog
 * passes `--realtimeBuffer`, while a socket beside it keeps every message, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { connect, type Socket } from "node:net"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { waitFor } from "../support/realtime.ts"
import { TestSocket } from "../support/websocket.ts"

const MESSAGES = 400

/** A raw WebSocket client that subscribes to `topic` and can then stop reading. */
async function rawSubscriber(url: string, topic: string): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = connect(Number(new URL(url).port), "127.0.0.1")
  let closed = false
  let answered = ""
  socket.on("close", () => void (closed = true))
  socket.on("error", () => void (closed = true))
  socket.on("data", (chunk) => void (answered += chunk.toString("latin1")))
  socket.write("GET /api/realtime/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
  await waitFor(() => answered.includes('"type":"connect"'), 3000, "the connect message")
  const payload = Buffer.from(JSON.stringify({ type: "subscribe", subscriptions: [topic] }))
  // A client frame with a zero mask key: the payload goes as is.
  socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), Buffer.alloc(4), payload]))
  await waitFor(() => answered.includes('"type":"subscribed"'), 3000, "the subscribed answer")
  return { socket, closed: () => closed }
}

describe("realtime WebSocket with a peer that stops reading", () => {
  let server: PocketbunServer
  beforeAll(async () => {
    server = await startPocketbun({ realtimeBuffer: 256 * 1024 })
  })
  afterAll(async () => {
    await server?.stop()
  })

  it("cuts the stalled socket and keeps delivering everything, in order, to the other", async () => {
    const stalled = await rawSubscriber(server.url, "big")
    const reader = await TestSocket.open(server.url)
    await reader.request({ type: "subscribe", subscriptions: ["big"] }, "subscribed")
    stalled.socket.pause()
    const { realtime } = server.app.services
    const padding = "x".repeat(40_000)
    for (let i = 0; i < MESSAGES; i++) {
      realtime.publish("big", { i, padding })
      if (i % 5 === 4) await Bun.sleep(2)
    }
    await waitFor(() => reader.messages.all.filter((m) => m.type === "message").length === MESSAGES, 10_000, "every message on the reading socket")
    expect(reader.messages.all.filter((m) => m.type === "message").map((m) => m.data.i)).toEqual([...Array(MESSAGES).keys()])
    expect((await realtime.stats()).total.droppedSlowClients).toBe(1)
    expect(realtime.hub.clients().size).toBe(1)
    stalled.socket.resume()
    await waitFor(stalled.closed, 5000, "the stalled socket to be cut")
    reader.close()
  }, 30_000)
})
