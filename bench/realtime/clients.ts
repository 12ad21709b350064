/**
 * @module
 * The load generator, run as a child of `run.ts` over Bun IPC: thousands of SSE clients from one
 * process on raw `Bun.connect` sockets. Each socket writes its `GET /api/realtime` by hand and
 * scans the response bytes for frames without decoding HTTP chunking: every frame we care about
 * (`\nevent:…\ndata:…\n\n`) is written by both servers inside one HTTP chunk, so searching for
 * `event:` and the closing blank line is enough. A frame split across two TCP reads is carried
 * over to the next read.
 *
 * Commands (parent → child): connect, subscribe, reset, report, close. Every reply carries the
 * command's `seq`.
 */
import type { Socket } from "bun"

/** A command from the orchestrator. */
export type GeneratorCommand =
  | { seq: number; cmd: "connect"; port: number; count: number; batch?: number }
  | { seq: number; cmd: "subscribe"; baseUrl: string; plan: SubscribePlan }
  | { seq: number; cmd: "reset" }
  | { seq: number; cmd: "report" }
  | { seq: number; cmd: "close" }

/** What each client subscribes to: `topics[i % topics.length]`, authenticated as `users[i % users.length]`. */
export interface SubscribePlan {
  topics: string[]
  /** Empty: every client is a guest. */
  users: Array<{ id: string; token: string }>
  concurrency?: number
}

/** Counters since the last reset. */
export interface GeneratorReport {
  open: number
  closedEarly: number
  frames: number
  /** Frames whose record `owner` is not the client's own user (rows with a per-user rule). */
  excluded: number
  /** CPU seconds this process used since the last reset. */
  cpu: number
  firstFrameAt: number
  lastFrameAt: number
  /** Latency histogram: 0.1 ms buckets up to 30 s. */
  latency: { count: number; p50: number; p99: number; max: number }
  /** Frames whose `sentAt` is older than the previous frame's on the same client (out of order when records are created one at a time). */
  backwards: number
  /** Distinct sequences of records among the clients that got the most frames: 1 when they all got the same events in the same order. */
  orderVariants: number
}

interface ClientState {
  index: number
  clientId: string
  owner: Uint8Array | null
  carry: Uint8Array | null
  connected: (() => void) | null
  /** Since the last reset: frames, the last `sentAt`, and a digest of every `sentAt` in arrival order. */
  got: number
  lastSentAt: number
  digest: number
}

const EVENT = Buffer.from("event:")
const FRAME_END = Buffer.from("\n\n")
const SENT_AT = Buffer.from('"sentAt":')
const OWNER = Buffer.from('"owner":"')
const CLIENT_ID = Buffer.from('"clientId":"')
const P = "P".charCodeAt(0)

const BUCKET_MS = 0.1
const BUCKETS = 300_000
const histogram = new Uint32Array(BUCKETS)
const now = () => performance.timeOrigin + performance.now()

const sockets: Array<Socket<ClientState>> = []
let frames = 0
let excluded = 0
let closedEarly = 0
let closing = false
let firstFrameAt = 0
let lastFrameAt = 0
let maxLatency = 0
let latencyCount = 0
let backwards = 0
let cpuAtReset = 0
const cpuNow = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/** Reads a JSON number starting at `at` (digits, one dot, optional minus). */
function readNumber(buf: Uint8Array, at: number, end: number): number {
  let value = 0
  let scale = 0
  let i = at
  for (; i < end; i++) {
    const c = buf[i]!
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48)
      if (scale) scale *= 10
    } else if (c === 46) scale = 1
    else break
  }
  return scale ? value / scale : value
}

function onFrame(state: ClientState, buf: Buffer, start: number, end: number, at: number): void {
  // `start` is just past "event:"; PB_CONNECT is the only event name starting with "P" here.
  if (buf[start] === P) {
    const id = buf.indexOf(CLIENT_ID, start)
    if (id !== -1 && id < end) state.clientId = buf.toString("latin1", id + CLIENT_ID.length, id + CLIENT_ID.length + 40)
    state.connected?.()
    state.connected = null
    return
  }
  frames++
  if (firstFrameAt === 0) firstFrameAt = at
  lastFrameAt = at
  state.got++
  const s = buf.indexOf(SENT_AT, start)
  if (s !== -1 && s < end) {
    const sentAt = readNumber(buf, s + SENT_AT.length, end)
    if (sentAt < state.lastSentAt) backwards++
    state.lastSentAt = sentAt
    state.digest = (Math.imul(state.digest, 31) + Math.round(sentAt * 1000)) | 0
    const latency = at - sentAt
    const bucket = Math.min(BUCKETS - 1, Math.max(0, Math.floor(latency / BUCKET_MS)))
    histogram[bucket]!++
    latencyCount++
    if (latency > maxLatency) maxLatency = latency
  }
  if (state.owner) {
    const o = buf.indexOf(OWNER, start)
    if (o !== -1 && o < end) {
      const from = o + OWNER.length
      const mine = state.owner
      for (let k = 0; k < mine.length; k++) {
        if (buf[from + k] !== mine[k]) {
          excluded++
          break
        }
      }
    }
  }
}

function onData(socket: Socket<ClientState>, chunk: Buffer): void {
  const state = socket.data
  let buf = chunk
  if (state.carry) {
    buf = Buffer.concat([state.carry, chunk])
    state.carry = null
  }
  const at = now()
  let pos = 0
  for (;;) {
    const e = buf.indexOf(EVENT, pos)
    if (e === -1) {
      // Keep a possibly split "event:" marker for the next read.
      if (buf.length - pos > 0) state.carry = Buffer.from(buf.subarray(Math.max(pos, buf.length - EVENT.length + 1)))
      return
    }
    const end = buf.indexOf(FRAME_END, e)
    if (end === -1) {
      state.carry = Buffer.from(buf.subarray(e))
      return
    }
    onFrame(state, buf, e + EVENT.length, end, at)
    pos = end + 2
  }
}

function openClient(port: number, index: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const state: ClientState = { index, clientId: "", owner: null, carry: null, connected: () => resolve(true), got: 0, lastSentAt: 0, digest: 0 }
    Bun.connect<ClientState>({
      hostname: "127.0.0.1",
      port,
      data: state,
      socket: {
        open(socket) {
          socket.write(`GET /api/realtime HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`)
        },
        data: onData,
        close(socket) {
          if (!closing) closedEarly++
          socket.data.connected = null
          resolve(false)
        },
        error() {
          resolve(false)
        },
        connectError() {
          resolve(false)
        },
      },
    }).then(
      (socket) => sockets.push(socket),
      () => resolve(false),
    )
  })
}

async function connectAll(port: number, count: number, batch: number): Promise<{ connected: number; failed: number; ms: number }> {
  const started = performance.now()
  let connected = 0
  let failed = 0
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i)
    const results = await Promise.all(Array.from({ length: n }, (_, k) => openClient(port, i + k)))
    for (const ok of results) ok ? connected++ : failed++
  }
  return { connected, failed, ms: performance.now() - started }
}

async function subscribeAll(baseUrl: string, plan: SubscribePlan): Promise<{ ok: number; failed: number; firstError: string; ms: number }> {
  const started = performance.now()
  const live = sockets.filter((s) => s.data.clientId !== "")
  let next = 0
  let ok = 0
  let failed = 0
  let firstError = ""
  const worker = async () => {
    while (next < live.length) {
      const socket = live[next++]!
      const i = socket.data.index
      const user = plan.users.length ? plan.users[i % plan.users.length]! : null
      socket.data.owner = user ? Buffer.from(user.id) : null
      const headers: Record<string, string> = { "Content-Type": "application/json" }
      if (user) headers.Authorization = user.token
      const res = await fetch(`${baseUrl}/api/realtime`, {
        method: "POST",
        headers,
        body: JSON.stringify({ clientId: socket.data.clientId, subscriptions: [plan.topics[i % plan.topics.length]] }),
      }).catch((error: unknown) => ({ status: 0, text: async () => String(error) }))
      if (res.status === 204) ok++
      else {
        failed++
        firstError ||= `${res.status} ${await res.text()}`
      }
    }
  }
  await Promise.all(Array.from({ length: plan.concurrency ?? 32 }, worker))
  return { ok, failed, firstError, ms: performance.now() - started }
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
  return {
    open: sockets.length - closedEarly,
    closedEarly,
    frames,
    excluded,
    cpu: cpuNow() - cpuAtReset,
    firstFrameAt,
    lastFrameAt,
    latency: { count: latencyCount, p50: latencyCount ? percentile(0.5) : 0, p99: latencyCount ? percentile(0.99) : 0, max: maxLatency },
    backwards,
    orderVariants: orderVariants(),
  }
}

function orderVariants(): number {
  const most = Math.max(0, ...sockets.map((s) => s.data.got))
  return new Set(sockets.filter((s) => s.data.got === most && most > 0).map((s) => s.data.digest)).size
}

function reset(): void {
  frames = excluded = latencyCount = maxLatency = firstFrameAt = lastFrameAt = backwards = 0
  for (const socket of sockets) socket.data.got = socket.data.lastSentAt = socket.data.digest = 0
  histogram.fill(0)
  cpuAtReset = cpuNow()
}

process.on("message", async (message: GeneratorCommand) => {
  let reply: unknown
  switch (message.cmd) {
    case "connect":
      reply = await connectAll(message.port, message.count, message.batch ?? 500)
      break
    case "subscribe":
      reply = await subscribeAll(message.baseUrl, message.plan)
      break
    case "reset":
      reset()
      reply = {}
      break
    case "report":
      reply = report()
      break
    case "close":
      closing = true
      for (const socket of sockets) socket.end()
      reply = {}
      break
  }
  process.send!({ seq: message.seq, reply })
})
process.send!({ seq: 0, reply: "ready" })
