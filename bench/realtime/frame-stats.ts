/**
 * @module
 * What both load generators (`clients.ts` for SSE, `ws-clients.ts` for WebSocket) count, and the
 * IPC command loop they share: frames, latency histogram, per-client order digests, CPU.
 */
import type { Socket } from "bun"
import type { GeneratorCommand, GeneratorReport, SubscribePlan } from "./clients.ts"

/** Per-client counters since the last reset. */
export interface ClientCounters {
  got: number
  lastSentAt: number
  /** A digest of every `sentAt` in arrival order: equal digests mean the same events in the same order. */
  digest: number
}

const BUCKET_MS = 0.1
const BUCKETS = 300_000

/** Wall clock in epoch ms with sub-ms precision (the clock the orchestrator stamps `sentAt` with). */
export const now = (): number => performance.timeOrigin + performance.now()
const cpuNow = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/** Reads a JSON number starting at `at` (digits, one dot). */
export function readNumber(buf: Uint8Array, at: number, end: number): number {
  let value = 0
  let scale = 0
  for (let i = at; i < end; i++) {
    const c = buf[i]!
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48)
      if (scale) scale *= 10
    } else if (c === 46) scale = 1
    else break
  }
  return scale ? value / scale : value
}

/** The counters of one generator process. */
export class FrameStats {
  frames = 0
  excluded = 0
  closedEarly = 0
  #histogram = new Uint32Array(BUCKETS)
  #firstFrameAt = 0
  #lastFrameAt = 0
  #maxLatency = 0
  #latencyCount = 0
  #backwards = 0
  #cpuAtReset = 0

  /** Counts one frame that arrived at `at` on `client`; `sentAt` is the record's stamp, when found. */
  frame(client: ClientCounters, at: number, sentAt: number | null): void {
    this.frames++
    if (this.#firstFrameAt === 0) this.#firstFrameAt = at
    this.#lastFrameAt = at
    client.got++
    if (sentAt === null) return
    if (sentAt < client.lastSentAt) this.#backwards++
    client.lastSentAt = sentAt
    client.digest = (Math.imul(client.digest, 31) + Math.round(sentAt * 1000)) | 0
    const latency = at - sentAt
    this.#histogram[Math.min(BUCKETS - 1, Math.max(0, Math.floor(latency / BUCKET_MS)))]!++
    this.#latencyCount++
    if (latency > this.#maxLatency) this.#maxLatency = latency
  }

  #percentile(p: number): number {
    const target = Math.ceil(this.#latencyCount * p)
    let seen = 0
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.#histogram[b]!
      if (seen >= target) return (b + 1) * BUCKET_MS
    }
    return BUCKETS * BUCKET_MS
  }

  report(clients: ClientCounters[]): GeneratorReport {
    const most = Math.max(0, ...clients.map((c) => c.got))
    const count = this.#latencyCount
    return {
      open: clients.length - this.closedEarly,
      closedEarly: this.closedEarly,
      frames: this.frames,
      excluded: this.excluded,
      cpu: cpuNow() - this.#cpuAtReset,
      firstFrameAt: this.#firstFrameAt,
      lastFrameAt: this.#lastFrameAt,
      latency: { count, p50: count ? this.#percentile(0.5) : 0, p99: count ? this.#percentile(0.99) : 0, max: this.#maxLatency },
      backwards: this.#backwards,
      orderVariants: new Set(clients.filter((c) => c.got === most && most > 0).map((c) => c.digest)).size,
    }
  }

  reset(clients: ClientCounters[]): void {
    this.frames = this.excluded = this.#latencyCount = this.#maxLatency = this.#firstFrameAt = this.#lastFrameAt = this.#backwards = 0
    for (const client of clients) client.got = client.lastSentAt = client.digest = 0
    this.#histogram.fill(0)
    this.#cpuAtReset = cpuNow()
  }
}

/** What a generator does for the commands that differ between transports. */
export interface GeneratorTransport {
  connect(port: number, count: number, batch: number): Promise<unknown>
  subscribe(baseUrl: string, plan: SubscribePlan): Promise<unknown>
  close(): void
  /** Every client's counters, for reports and resets. */
  clients(): ClientCounters[]
}

/** Answers the orchestrator's commands over IPC (every reply carries the command's `seq`) and says it is ready. */
export function serveCommands(stats: FrameStats, transport: GeneratorTransport): void {
  process.on("message", async (message: GeneratorCommand) => {
    let reply: unknown = {}
    switch (message.cmd) {
      case "connect":
        reply = await transport.connect(message.port, message.count, message.batch ?? 500)
        break
      case "subscribe":
        reply = await transport.subscribe(message.baseUrl, message.plan)
        break
      case "reset":
        stats.reset(transport.clients())
        break
      case "report":
        reply = stats.report(transport.clients())
        break
      case "close":
        transport.close()
        break
    }
    process.send!({ seq: message.seq, reply })
  })
  process.send!({ seq: 0, reply: "ready" })
}

/** What a raw client's state needs for `openRawClient`: called once with true when its stream is up. */
export interface RawClientState extends ClientCounters {
  connected: ((ok: boolean) => void) | null
}

/** Connection bookkeeping shared by a generator's raw clients. */
export interface RawClients<T> {
  sockets: Array<Socket<T>>
  stats: FrameStats
  closing(): boolean
}

/**
 * Opens one raw loopback client: writes `request` on connect, feeds every read to `onData`, and
 * resolves true once the transport's first message calls `state.connected(true)`, false if the
 * connection fails or closes first.
 */
export function openRawClient<T extends RawClientState>(
  port: number,
  request: string,
  makeState: (connected: (ok: boolean) => void) => T,
  onData: (socket: Socket<T>, chunk: Buffer) => void,
  clients: RawClients<T>,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    Bun.connect<T>({
      hostname: "127.0.0.1",
      port,
      data: makeState(resolve),
      socket: {
        open: (socket) => void socket.write(request),
        data: onData,
        close(socket) {
          if (!clients.closing()) clients.stats.closedEarly++
          socket.data.connected = null
          resolve(false)
        },
        error: () => resolve(false),
        connectError: () => resolve(false),
      },
    }).then(
      (socket) => void clients.sockets.push(socket),
      () => resolve(false),
    )
  })
}

/** Opens `count` clients, `batch` at a time. */
export async function connectAll(count: number, batch: number, open: (index: number) => Promise<boolean>): Promise<{ connected: number; failed: number; ms: number }> {
  const started = performance.now()
  let connected = 0
  let failed = 0
  for (let i = 0; i < count; i += batch) {
    const results = await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, k) => open(i + k)))
    for (const ok of results) ok ? connected++ : failed++
  }
  return { connected, failed, ms: performance.now() - started }
}
