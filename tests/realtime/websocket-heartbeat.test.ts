/**
 * WebSocket heartbeat: Bun pings a quiet socket; a peer that never answers is closed after
 * 2 × `--realtimeHeartbeat` seconds, while a client that answers pings (any WebSocket client does)
 * stays connected through the quiet time.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { connect } from "node:net"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { waitFor } from "../support/realtime.ts"
import { TestSocket } from "../support/websocket.ts"

describe("realtime WebSocket heartbeat", () => {
  let server: PocketbunServer
  beforeAll(async () => {
    server = await startPocketbun({ realtimeHeartbeat: 1 })
  })
  afterAll(async () => {
    await server?.stop()
  })

  it("pings quiet sockets, closes the one that never answers and keeps the one that does", async () => {
    const silent = connect(Number(new URL(server.url).port), "127.0.0.1")
    let received = Buffer.alloc(0)
    let closedAt = 0
    silent.on("data", (chunk: Buffer) => void (received = Buffer.concat([received, chunk])))
    silent.on("close", () => void (closedAt = Date.now()))
    silent.write("GET /api/realtime/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    const answering = await TestSocket.open(server.url)
    const openedAt = Date.now()
    // Bun checks idleness in 4 s ticks: the close comes 4–8 s after the last traffic.
    await waitFor(() => closedAt > 0, 12_000, "the silent socket to be closed")
    // A ping frame (opcode 9) came before the close.
    expect(received.includes(Buffer.from([0x89]))).toBe(true)
    expect(closedAt - openedAt).toBeGreaterThanOrEqual(1000)
    expect(answering.readyState).toBe(WebSocket.OPEN)
    expect(await answering.request({ type: "ping" }, "pong")).toEqual({ type: "pong" })
    answering.close()
  }, 20_000)
})
