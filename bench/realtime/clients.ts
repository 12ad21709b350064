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
import { connectAll, FrameStats, now, openRawClient, readNumber, serveCommands, type RawClients, type RawClientState } from "./frame-stats.ts"

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

interface ClientState extends RawClientState {
  index: number
  clientId: string
  owner: Uint8Array | null
  carry: Uint8Array | null
}

const EVENT = Buffer.from("event:")
const FRAME_END = Buffer.from("\n\n")
const SENT_AT = Buffer.from('"sentAt":')
const OWNER = Buffer.from('"owner":"')
const CLIENT_ID = Buffer.from('"clientId":"')
const P = "P".charCodeAt(0)

const stats = new FrameStats()
const sockets: Array<Socket<ClientState>> = []
let closing = false

function onFrame(state: ClientState, buf: Buffer, start: number, end: number, at: number): void {
  // `start` is just past "event:"; PB_CONNECT is the only event name starting with "P" here.
  if (buf[start] === P) {
    const id = buf.indexOf(CLIENT_ID, start)
    if (id !== -1 && id < end) state.clientId = buf.toString("latin1", id + CLIENT_ID.length, id + CLIENT_ID.length + 40)
    state.connected?.(true)
    state.connected = null
    return
  }
  const s = buf.indexOf(SENT_AT, start)
  stats.frame(state, at, s !== -1 && s < end ? readNumber(buf, s + SENT_AT.length, end) : null)
  if (state.owner) {
    const o = buf.indexOf(OWNER, start)
    if (o !== -1 && o < end) {
      const from = o + OWNER.length
      const mine = state.owner
      for (let k = 0; k < mine.length; k++) {
        if (buf[from + k] !== mine[k]) {
          stats.excluded++
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

const raw: RawClients<ClientState> = { sockets, stats, closing: () => closing }
const openClient = (port: number, index: number) =>
  openRawClient(
    port,
    `GET /api/realtime HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`,
    (connected): ClientState => ({ index, clientId: "", owner: null, carry: null, connected, got: 0, lastSentAt: 0, digest: 0 }),
    onData,
    raw,
  )

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

serveCommands(stats, {
  connect: (port, count, batch) => connectAll(count, batch, (index) => openClient(port, index)),
  subscribe: subscribeAll,
  close() {
    closing = true
    for (const socket of sockets) socket.end()
  },
  clients: () => sockets.map((socket) => socket.data),
})
