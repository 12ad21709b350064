/**
 * @module
 * The WebSocket twin of `clients.ts`: thousands of `/api/realtime/ws` clients from one process
 * on raw `Bun.connect` sockets (handshake written by hand, server frames parsed from the bytes,
 * so the generator's cost per frame is as low as the SSE generator's), driven over IPC with the
 * same commands and report, so `ws-vs-sse.ts` measures both transports the same way.
 */
import type { Socket } from "bun"
import type { SubscribePlan } from "./clients.ts"
import { connectAll, FrameStats, now, openRawClient, readNumber, serveCommands, type RawClients, type RawClientState } from "./frame-stats.ts"

interface ClientState extends RawClientState {
  carry: Buffer | null
  /** Whether the HTTP upgrade answer (up to its blank line) was read. */
  upgraded: boolean
  subscribed: (() => void) | null
}

const RECORD_EVENT = Buffer.from('{"type":"record_event"')
const SUBSCRIBED = Buffer.from('{"type":"subscribed"')
const SENT_AT = Buffer.from('"sentAt":')
const HEADERS_END = Buffer.from("\r\n\r\n")

const stats = new FrameStats()
const clients: Array<Socket<ClientState>> = []
let closing = false

function onText(state: ClientState, buf: Buffer, start: number, end: number): void {
  if (state.connected) {
    state.connected(true)
    state.connected = null
    return
  }
  if (state.subscribed && buf.subarray(start, start + SUBSCRIBED.length).equals(SUBSCRIBED)) {
    state.subscribed()
    state.subscribed = null
    return
  }
  if (!buf.subarray(start, start + RECORD_EVENT.length).equals(RECORD_EVENT)) return
  const s = buf.indexOf(SENT_AT, start)
  stats.frame(state, now(), s !== -1 && s < end ? readNumber(buf, s + SENT_AT.length, end) : null)
}

/** Parses unmasked server frames (text frames counted; others skipped), carrying a partial frame over. */
function onData(socket: Socket<ClientState>, chunk: Buffer): void {
  const state = socket.data
  let buf = state.carry ? Buffer.concat([state.carry, chunk]) : chunk
  state.carry = null
  let pos = 0
  if (!state.upgraded) {
    const end = buf.indexOf(HEADERS_END)
    if (end === -1) {
      state.carry = Buffer.from(buf)
      return
    }
    if (!buf.toString("latin1", 0, 12).includes(" 101")) {
      socket.end()
      return
    }
    state.upgraded = true
    pos = end + HEADERS_END.length
  }
  while (pos + 2 <= buf.length) {
    const opcode = buf[pos]! & 0x0f
    let length = buf[pos + 1]! & 0x7f
    let head = 2
    if (length === 126) {
      if (pos + 4 > buf.length) break
      length = buf.readUInt16BE(pos + 2)
      head = 4
    } else if (length === 127) {
      if (pos + 10 > buf.length) break
      length = Number(buf.readBigUInt64BE(pos + 2))
      head = 10
    }
    if (pos + head + length > buf.length) break
    if (opcode === 1) onText(state, buf, pos + head, pos + head + length)
    pos += head + length
  }
  if (pos < buf.length) state.carry = Buffer.from(buf.subarray(pos))
}

/** A client text frame; the mask key is zero, so the payload goes as is. */
function maskedText(text: string): Buffer {
  const payload = Buffer.from(text)
  const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
  return Buffer.concat([head, Buffer.alloc(4), payload])
}

const raw: RawClients<ClientState> = { sockets: clients, stats, closing: () => closing }
const openClient = (port: number) =>
  openRawClient(
    port,
    `GET /api/realtime/ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    (connected): ClientState => ({ carry: null, upgraded: false, connected, subscribed: null, got: 0, lastSentAt: 0, digest: 0 }),
    onData,
    raw,
  )

async function subscribeAll(plan: SubscribePlan) {
  const started = performance.now()
  await Promise.all(clients.map((socket, i) => new Promise<void>((resolve) => {
    socket.data.subscribed = resolve
    socket.write(maskedText(JSON.stringify({ type: "subscribe", subscriptions: [plan.topics[i % plan.topics.length]] })))
  })))
  return { ok: clients.length, failed: 0, firstError: "", ms: performance.now() - started }
}

serveCommands(stats, {
  connect: (port, count, batch) => connectAll(count, batch, () => openClient(port)),
  subscribe: (_baseUrl, plan) => subscribeAll(plan),
  close() {
    closing = true
    for (const socket of clients) socket.end()
  },
  clients: () => clients.map((socket) => socket.data),
})
