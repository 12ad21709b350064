/**
 * @module
 * The WebSocket twin of `clients.ts`: thousands of `/api/realtime/ws` clients from one process,
 * driven over IPC with the same commands and report, so `ws-vs-sse.ts` measures both transports
 * the same way. Frames are counted per message; latency reads the record's `sentAt`.
 */
import type { GeneratorCommand, GeneratorReport, SubscribePlan } from "./clients.ts"

interface ClientState {
  ws: WebSocket
  got: number
  lastSentAt: number
  digest: number
}

const BUCKET_MS = 0.1
const BUCKETS = 300_000
const histogram = new Uint32Array(BUCKETS)
const now = () => performance.timeOrigin + performance.now()
const cpuNow = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

const clients: ClientState[] = []
let frames = 0
let closedEarly = 0
let closing = false
let firstFrameAt = 0
let lastFrameAt = 0
let maxLatency = 0
let latencyCount = 0
let backwards = 0
let cpuAtReset = 0

function onMessage(state: ClientState, text: string): void {
  if (!text.startsWith('{"type":"record_event"')) return
  const at = now()
  frames++
  if (firstFrameAt === 0) firstFrameAt = at
  lastFrameAt = at
  state.got++
  const s = text.indexOf('"sentAt":')
  if (s === -1) return
  const sentAt = Number.parseFloat(text.slice(s + 9, s + 40))
  if (sentAt < state.lastSentAt) backwards++
  state.lastSentAt = sentAt
  state.digest = (Math.imul(state.digest, 31) + Math.round(sentAt * 1000)) | 0
  const latency = at - sentAt
  histogram[Math.min(BUCKETS - 1, Math.max(0, Math.floor(latency / BUCKET_MS)))]!++
  latencyCount++
  if (latency > maxLatency) maxLatency = latency
}

function openClient(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/realtime/ws`)
    const state: ClientState = { ws, got: 0, lastSentAt: 0, digest: 0 }
    ws.onmessage = (event) => {
      const text = String(event.data)
      if (text.startsWith('{"type":"connect"')) {
        clients.push(state)
        resolve(true)
      } else onMessage(state, text)
    }
    ws.onclose = () => {
      if (!closing) closedEarly++
      resolve(false)
    }
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
  let waiting = clients.length
  const done = new Promise<void>((resolve) => {
    if (waiting === 0) resolve()
    for (const [i, state] of clients.entries()) {
      const previous = state.ws.onmessage
      state.ws.onmessage = (event) => {
        if (String(event.data).startsWith('{"type":"subscribed"')) {
          state.ws.onmessage = previous
          if (--waiting === 0) resolve()
        }
      }
      state.ws.send(JSON.stringify({ type: "subscribe", subscriptions: [plan.topics[i % plan.topics.length]] }))
    }
  })
  await done
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
  const most = Math.max(0, ...clients.map((c) => c.got))
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
    orderVariants: new Set(clients.filter((c) => c.got === most && most > 0).map((c) => c.digest)).size,
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
      for (const c of clients) c.got = c.lastSentAt = c.digest = 0
      histogram.fill(0)
      cpuAtReset = cpuNow()
      break
    case "report":
      reply = report()
      break
    case "close":
      closing = true
      for (const c of clients) c.ws.close()
      break
  }
  process.send!({ seq: message.seq, reply })
})
process.send!({ seq: 0, reply: "ready" })
