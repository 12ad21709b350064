/**
 * @module
 * The WebSocket twin of `clients.ts`: thousands of `/api/realtime/ws` clients from one process
 * on raw `Bun.connect` sockets (handshake written by hand, server frames parsed from the bytes,
 * so the generator's cost per frame is as low as the SSE generator's), driven over IPC with the
 * same commands and report, so `ws-vs-sse.ts` measures both transports the same way.
 */
import type { Socket } from "bun"
import type { GeneratorCommand, GeneratorReport, SubscribePlan } from "./clients.ts"

interface ClientState {
  carry: Buffer | null
  /** Bytes of the HTTP upgrade answer still to skip (until the blank line). */
  upgraded: boolean
  connected: ((ok: boolean) => void) | null
  subscribed: (() => void) | null
  got: number
  lastSentAt: number
  digest: number
}

const RECORD_EVENT = Buffer.from('{"type":"record_event"')
const SUBSCRIBED = Buffer.from('{"type":"subscribed"')
const SENT_AT = Buffer.from('"sentAt":')
const HEADERS_END = Buffer.from("\r\n\r\n")

const BUCKET_MS = 0.1
const BUCKETS = 300_000
const histogram = new Uint32Array(BUCKETS)
const now = () => performance.timeOrigin + performance.now()
const cpuNow = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

const clients: Array<Socket<ClientState>> = []
let frames = 0
let closedEarly = 0
let closing = false
let firstFrameAt = 0
let lastFrameAt = 0
let maxLatency = 0
let latencyCount = 0
let backwards = 0
let cpuAtReset = 0

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
  const at = now()
  frames++
  if (firstFrameAt === 0) firstFrameAt = at
  lastFrameAt = at
  state.got++
  const s = buf.indexOf(SENT_AT, start)
  if (s === -1 || s >= end) return
  const sentAt = Number.parseFloat(buf.toString("latin1", s + SENT_AT.length, Math.min(end, s + SENT_AT.length + 24)))
  if (sentAt < state.lastSentAt) backwards++
  state.lastSentAt = sentAt
  state.digest = (Math.imul(state.digest, 31) + Math.round(sentAt * 1000)) | 0
  const latency = at - sentAt
  histogram[Math.min(BUCKETS - 1, Math.max(0, Math.floor(latency / BUCKET_MS)))]!++
  latencyCount++
  if (latency > maxLatency) maxLatency = latency
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

function openClient(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const state: ClientState = { carry: null, upgraded: false, connected: resolve, subscribed: null, got: 0, lastSentAt: 0, digest: 0 }
    Bun.connect<ClientState>({
      hostname: "127.0.0.1",
      port,
      data: state,
      socket: {
        open(socket) {
          socket.write(`GET /api/realtime/ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`)
        },
        data: onData,
        close(socket) {
          if (!closing) closedEarly++
          socket.data.connected?.(false)
          socket.data.connected = null
        },
        connectError() {
          resolve(false)
        },
      },
    }).then(
      (socket) => clients.push(socket),
      () => resolve(false),
    )
  })
}

async function connectAll(port: number, count: number, batch: number) {
  const started = performance.now()
  let connected = 0
  let failed = 0
  for (let i = 0; i < count; i += batch) {
    const results = await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => openClient(port)))
    for (const ok of results) ok ? connected++ : failed++
  }
  return { connected, failed, ms: performance.now() - started }
}

async function subscribeAll(plan: SubscribePlan) {
  const started = performance.now()
  await Promise.all(clients.map((socket, i) => new Promise<void>((resolve) => {
    socket.data.subscribed = resolve
    socket.write(maskedText(JSON.stringify({ type: "subscribe", subscriptions: [plan.topics[i % plan.topics.length]] })))
  })))
  return { ok: clients.length, failed: 0, firstError: "", ms: performance.now() - started }
}

function percentile(p: number): number {
  const target = Math.ceil(latencyCount * p)
  let seen = 0
  for (let b = 0; b < BUCKETS; b++) {
    seen += histogram[b]!
    if (seen >= target) return (b + 1) * BUCKET_MS
  }
  return BUCKETS * BUCKET_MS
}

function report(): GeneratorReport {
  const most = Math.max(0, ...clients.map((c) => c.data.got))
  return {
    open: clients.length - closedEarly,
    closedEarly,
    frames,
    excluded: 0,
    cpu: cpuNow() - cpuAtReset,
    firstFrameAt,
    lastFrameAt,
    latency: { count: latencyCount, p50: latencyCount ? percentile(0.5) : 0, p99: latencyCount ? percentile(0.99) : 0, max: maxLatency },
    backwards,
    orderVariants: new Set(clients.filter((c) => c.data.got === most && most > 0).map((c) => c.data.digest)).size,
  }
}

process.on("message", async (message: GeneratorCommand) => {
  let reply: unknown = {}
  switch (message.cmd) {
    case "connect":
      reply = await connectAll(message.port, message.count, message.batch ?? 500)
      break
    case "subscribe":
      reply = await subscribeAll(message.plan)
      break
    case "reset":
      frames = latencyCount = maxLatency = firstFrameAt = lastFrameAt = backwards = 0
      for (const c of clients) c.data.got = c.data.lastSentAt = c.data.digest = 0
      histogram.fill(0)
      cpuAtReset = cpuNow()
      break
    case "report":
      reply = report()
      break
    case "close":
      closing = true
      for (const c of clients) c.end()
      break
  }
  process.send!({ seq: message.seq, reply })
})
process.send!({ seq: 0, reply: "ready" })
