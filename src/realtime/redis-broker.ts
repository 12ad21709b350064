/**
 * @module
 * The Redis broker: every committed event is delivered to this process's handlers at once and
 * published once to Redis pub/sub for the other processes; a small request/reply channel lets a
 * process ask the others (who owns client X? what are your clients and counters?).
 *
 * Delivery rules: messages carry (origin, counter), so a repeated publish (Bun's client may
 * resubscribe on its own after a reconnect, and so do we) is delivered once; record events also
 * carry the database commit sequence and pass through a `CommitSequencer`, so every process sees
 * them in commit order. While Redis is down, local delivery goes on and remote publishing is
 * skipped; nothing is replayed after a reconnect.
 */
import { RedisClient } from "bun"
import type { RealtimeBroker, RealtimeEventHandler } from "./broker.ts"
import type { RealtimeEvent } from "./events.ts"
import { CommitSequencer, DEFAULT_GAP_TIMEOUT_MS } from "./sequencer.ts"

export interface RedisBrokerOptions {
  /** `redis://host:port` */
  url: string
  /** This process's id in the cluster; unique per process start. */
  nodeId: string
  /** Prefix of every channel and key. @default "pocketbun" */
  prefix?: string
  /** How long to wait for a missing earlier record event. @default 1000 */
  gapTimeoutMs?: number
  /** One line per connection state change. @default console.log */
  log?: (line: string) => void
}

/** Answers a cluster request addressed to every node; `undefined` sends no reply. */
export type ClusterRequestHandler = (kind: string, payload: unknown) => unknown | Promise<unknown>

interface Envelope {
  o: string
  n: number
  e: RealtimeEvent
}

interface Request {
  id: string
  from: string
  kind: string
  payload: unknown
}

interface Reply {
  id: string
  from: string
  result: unknown
}

/** Nodes that have not refreshed their entry for this long are considered gone. */
const NODE_TTL_MS = 5_000
const NODE_REFRESH_MS = 1_000

/** A `RealtimeBroker` over Redis pub/sub, plus cluster request/reply. */
export class RedisBroker implements RealtimeBroker {
  readonly nodeId: string
  readonly #pub: RedisClient
  readonly #sub: RedisClient
  readonly #prefix: string
  readonly #channels: { events: string; control: string; reply: string; nodes: string }
  readonly #handlers = new Set<RealtimeEventHandler>()
  readonly #sequencer: CommitSequencer<RealtimeEvent>
  readonly #lastFromOrigin = new Map<string, number>()
  readonly #waiting = new Map<string, (reply: Reply) => void>()
  readonly #log: (line: string) => void
  #counter = 0
  #requestHandler: ClusterRequestHandler | null = null
  #healthy = true
  #connects = 0
  #refresher: Timer | null = null
  #closed = false

  private constructor(options: RedisBrokerOptions) {
    this.nodeId = options.nodeId
    const prefix = options.prefix ?? "pocketbun"
    this.#prefix = prefix
    this.#channels = { events: `${prefix}:events`, control: `${prefix}:control`, reply: `${prefix}:reply:${options.nodeId}`, nodes: `${prefix}:nodes` }
    this.#log = options.log ?? ((line) => console.log(line))
    // Offline queueing is off: an event that cannot be published now is not sent late.
    const clientOptions = { autoReconnect: true, maxRetries: 4_294_967_295, enableOfflineQueue: false, connectionTimeout: 3_000 }
    this.#pub = new RedisClient(options.url, clientOptions)
    this.#sub = new RedisClient(options.url, clientOptions)
    this.#sequencer = new CommitSequencer(
      (event) => this.#dispatch(event),
      (event) => (event.type === "record" ? `${event.collection.id}/${String(event.record.id)}` : ""),
      options.gapTimeoutMs ?? DEFAULT_GAP_TIMEOUT_MS,
    )
  }

  /** Connects and subscribes; rejects when Redis cannot be reached. */
  static async connect(options: RedisBrokerOptions): Promise<RedisBroker> {
    // The long-lived clients retry forever, so reachability is first checked with a one-shot probe.
    const probe = new RedisClient(options.url, { autoReconnect: false, connectionTimeout: 3_000 })
    try {
      await probe.connect()
      await probe.ping()
    } finally {
      probe.close()
    }
    const broker = new RedisBroker(options)
    await broker.#start()
    return broker
  }

  /** Record events delivered after later ones (late), and dropped because superseded. */
  get orderStats(): { late: number; superseded: number } {
    return { late: this.#sequencer.late, superseded: this.#sequencer.superseded }
  }

  /** True while the last Redis operation succeeded. */
  get healthy(): boolean {
    return this.#healthy
  }

  async #start(): Promise<void> {
    await Promise.all([this.#pub.connect(), this.#sub.connect()])
    await this.#subscribeAll()
    this.#sub.onconnect = () => {
      // Bun's client does not reliably restore subscriptions after a reconnect; envelopes are
      // de-duplicated, so subscribing again is always safe.
      if (this.#connects++ > 0) {
        // A drop we had not noticed as an outage: Redis cut us off for falling behind (its pub/sub
        // output-buffer limit). Messages sent meanwhile are gone; say so once.
        if (this.#healthy) this.#log("realtime broker: Redis dropped the subscriber connection; re-subscribed, messages sent meanwhile are lost")
        this.#subscribeAll().then(() => this.#setHealthy(true), () => this.#setHealthy(false))
      }
    }
    this.#connects = 1
    await this.#refreshNode()
    this.#refresher = setInterval(() => void this.#refreshNode(), NODE_REFRESH_MS)
  }

  async #subscribeAll(): Promise<void> {
    await this.#sub.subscribe(this.#channels.events, (message: string) => this.#onEvent(message))
    await this.#sub.subscribe(this.#channels.control, (message: string) => void this.#onRequest(message))
    await this.#sub.subscribe(this.#channels.reply, (message: string) => this.#onReply(message))
  }

  publish(event: RealtimeEvent): void {
    this.#receive({ o: this.nodeId, n: ++this.#counter, e: event })
    this.#send(this.#channels.events, { o: this.nodeId, n: this.#counter, e: event })
  }

  subscribe(handler: RealtimeEventHandler): () => void {
    const entry: RealtimeEventHandler = (event) => handler(event)
    this.#handlers.add(entry)
    return () => this.#handlers.delete(entry)
  }

  /** Installs the answerer for cluster requests (one per process). */
  handleRequests(handler: ClusterRequestHandler): void {
    this.#requestHandler = handler
  }

  /**
   * Asks every other live node and collects their answers until all have answered, `until`
   * accepts one, or the timeout passes (nodes that died recently may never answer).
   */
  async ask(kind: string, payload: unknown, options: { timeoutMs: number; until?: (answer: unknown) => boolean }): Promise<unknown[]> {
    const id = `${this.nodeId}:${++this.#counter}`
    const expected = (await this.liveNodes()).filter((n) => n !== this.nodeId).length
    const results: unknown[] = []
    if (expected === 0) return results
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer)
        this.#waiting.delete(id)
        resolve(results)
      }
      const timer = setTimeout(finish, options.timeoutMs)
      this.#waiting.set(id, (reply) => {
        results.push(reply.result)
        if (results.length >= expected || options.until?.(reply.result)) finish()
      })
      const request: Request = { id, from: this.nodeId, kind, payload }
      if (!this.#send(this.#channels.control, request)) finish()
    })
  }

  /** Ids of the nodes that refreshed their presence recently (this one included). */
  async liveNodes(): Promise<string[]> {
    try {
      const entries = (await this.#pub.hgetall(this.#channels.nodes)) as Record<string, string> | null
      const now = Date.now()
      return Object.entries(entries ?? {}).filter(([, seen]) => now - Number(seen) < NODE_TTL_MS).map(([node]) => node)
    } catch {
      this.#setHealthy(false)
      return [this.nodeId]
    }
  }

  /** Leaves the cluster and closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#refresher) clearInterval(this.#refresher)
    this.#sequencer.close()
    try {
      await this.#pub.hdel(this.#channels.nodes, this.nodeId)
    } catch {
      // Redis is gone; the entry expires by age.
    }
    this.#pub.close()
    this.#sub.close()
  }

  #send(channel: string, message: unknown): boolean {
    if (this.#closed) return false
    try {
      this.#pub.publish(channel, JSON.stringify(message)).then(() => this.#setHealthy(true), () => this.#setHealthy(false))
      return true
    } catch {
      this.#setHealthy(false)
      return false
    }
  }

  async #refreshNode(): Promise<void> {
    try {
      await this.#pub.hset(this.#channels.nodes, this.nodeId, String(Date.now()))
      this.#setHealthy(true)
    } catch {
      this.#setHealthy(false)
    }
  }

  #setHealthy(healthy: boolean): void {
    if (healthy === this.#healthy || this.#closed) return
    this.#healthy = healthy
    this.#log(healthy ? "realtime broker: Redis reachable again, cross-process delivery resumed" : "realtime broker: Redis unreachable, delivering to local clients only (reconnecting)")
  }

  #onEvent(message: string): void {
    let envelope: Envelope
    try {
      envelope = JSON.parse(message) as Envelope
    } catch {
      return
    }
    if (envelope.o === this.nodeId) return
    this.#setHealthy(true)
    this.#receive(envelope)
  }

  #receive(envelope: Envelope): void {
    const last = this.#lastFromOrigin.get(envelope.o) ?? 0
    if (envelope.n <= last) return
    this.#lastFromOrigin.set(envelope.o, envelope.n)
    const event = envelope.e
    if (event.type === "record" && typeof event.seq === "number") this.#sequencer.push(event.seq, event)
    else this.#dispatch(event)
  }

  #dispatch(event: RealtimeEvent): void {
    for (const handler of this.#handlers) {
      try {
        handler(event)
      } catch (error) {
        console.error("realtime broker handler failed", error)
      }
    }
  }

  async #onRequest(message: string): Promise<void> {
    let request: Request
    try {
      request = JSON.parse(message) as Request
    } catch {
      return
    }
    if (request.from === this.nodeId || !this.#requestHandler) return
    try {
      const result = await this.#requestHandler(request.kind, request.payload)
      if (result === undefined) return
      const reply: Reply = { id: request.id, from: this.nodeId, result }
      this.#send(`${this.#prefix}:reply:${request.from}`, reply)
    } catch (error) {
      console.error("cluster request failed", error)
    }
  }

  #onReply(message: string): void {
    try {
      const reply = JSON.parse(message) as Reply
      this.#waiting.get(reply.id)?.(reply)
    } catch {
      // A malformed reply is ignored; the asker times out.
    }
  }
}
