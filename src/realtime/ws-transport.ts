/**
 * @module
 * `GET /api/realtime/ws`: realtime over one WebSocket, on Bun's native WebSocket server. Each
 * socket is an ordinary hub client (same topics, rules, per-client order and bounded queue as
 * SSE), drained by a sink that writes JSON messages instead of SSE frames. Auth comes from a
 * message, never from the URL; subscribing goes through the same validation and hook as
 * `POST /api/realtime`.
 */
import type { Server, ServerWebSocket, WebSocketHandler } from "bun"
import { ApiError } from "../core/errors.ts"
import type { AuthContext, Collection } from "../core/types.ts"
import { STORE_IP, type Client, type ClientSink, type Frame } from "./client.ts"
import { authKey } from "./fanout-groups.ts"
import type { Hub } from "./hub.ts"
import { STORE_RESUME_CURSOR } from "./resume.ts"
import { bindSubscribeBody, validateSubscribeBody, type SubscribeRequest } from "./subscribe-request.ts"
import { decodeFrameTail, errorMessage, expandTopic, parseIncoming, socketMessage } from "./ws-messages.ts"

/** The path the upgrade is served on. */
export const WS_PATH = "/api/realtime/ws"

/** Limits per connection, IP and user. */
export interface WsLimits {
  /** Subscriptions one connection may hold (as requested: `*` counts as one). @default 1000 */
  maxSubscriptions: number
  /** Subscribe messages one connection may send per second. @default 10 */
  subscribesPerSecond: number
  /** Open connections per client IP; more are refused with 429. @default 100 */
  connectionsPerIp: number
  /** Connections authenticated as the same record; more get a 429 `error` on auth. @default 20 */
  connectionsPerUser: number
}

/** What the transport needs from the app. */
export interface WsTransportDeps {
  hub: Hub
  /** Applies a subscription request to a client of this hub (validation, hook, resume): `realtime.subscribe`. */
  subscribe(request: SubscribeRequest): Promise<void>
  /** The auth context a token stands for, or null. */
  identify(token: string): AuthContext | null
  /** The auth record as its owner reads it (for the `auth` answer). */
  renderAuth(auth: AuthContext): Record<string, unknown>
  collections(): readonly Collection[]
  /** The peer IP of a request. */
  ipOf(request: Request, server: Server<unknown>): string
  /**
   * Runs the connect hook around accepting a new client (PocketBase's `onRealtimeConnectRequest`):
   * resolves true when the handlers let the connection through. @default accepts every connection
   */
  connectHook?(client: Client, ip: string): boolean | Promise<boolean>
  limits: WsLimits
  /** Seconds without traffic before Bun pings, and again before it closes the socket. @default 25 */
  heartbeatSeconds?: number
}

/** Per-socket state Bun keeps on `ws.data`. */
interface SocketData {
  ip: string
  /** The hub client prepared (and passed through the connect hook) at upgrade. */
  client: Client
  connection?: WsConnection
}

/** Bytes Bun may buffer for one socket before the sink stops writing and waits for `drain`. */
const SOCKET_HIGH_WATER = 256 * 1024

/** The transport: `upgrade` for the server's fetch, `websocket` for `Bun.serve`. */
export interface WsTransport {
  /** Whether the request is for this transport. */
  handles(request: Request): boolean
  /** Upgrades the request (undefined once upgraded) or answers it (429, 400, or 204 when a connect hook stopped it). */
  upgrade(request: Request, server: Server<unknown>): Promise<Response | undefined>
  websocket: WebSocketHandler<SocketData>
  /** Counters: messages written by `send` one socket at a time, and by `publish` (once for many sockets). */
  stats(): { sent: number; published: number; publishedTo: number }
}

/** Builds the transport over an app's hub. */
export function createWsTransport(deps: WsTransportDeps): WsTransport {
  const perIp = new Map<string, number>()
  const perUser = new Map<string, number>()
  const heartbeat = Math.max(1, deps.heartbeatSeconds ?? 25)
  const flusher = new SocketFlusher()
  const shared = { perUser, flusher }
  return {
    stats: () => ({ ...flusher.counters }),
    handles: (request) => new URL(request.url).pathname === WS_PATH,
    async upgrade(request, server) {
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return Response.json({ status: 400, message: "Expected a WebSocket upgrade.", data: {} }, { status: 400 })
      }
      const ip = deps.ipOf(request, server)
      if ((perIp.get(ip) ?? 0) >= deps.limits.connectionsPerIp) {
        return Response.json({ status: 429, message: "Too many realtime connections from this address.", data: {} }, { status: 429 })
      }
      // Counted now, so concurrent upgrades cannot overshoot the limit before `open` runs.
      increment(perIp, ip)
      flusher.server = server
      try {
        const client = deps.hub.createClient()
        client.set(STORE_IP, ip)
        // As for SSE, a connect hook that does not call next() ends the request with no stream.
        if (deps.connectHook && !(await deps.connectHook(client, ip))) {
          decrement(perIp, ip)
          return new Response(null, { status: 204 })
        }
        if (server.upgrade(request, { data: { ip, client } satisfies SocketData })) return undefined
      } catch (error) {
        decrement(perIp, ip)
        throw error
      }
      decrement(perIp, ip)
      return Response.json({ status: 400, message: "WebSocket upgrade failed.", data: {} }, { status: 400 })
    },
    websocket: {
      // Bun pings a socket quiet for `idleTimeout` seconds and closes it if nothing answers.
      idleTimeout: heartbeat * 2,
      sendPings: true,
      // Backpressure is ours to handle (see `drain`): Bun must never drop or close on it.
      backpressureLimit: 64 * 1024 * 1024,
      closeOnBackpressureLimit: false,
      open(ws) {
        ws.data.connection = new WsConnection(ws, deps, shared)
      },
      message(ws, text) {
        void ws.data.connection?.receive(text)
      },
      drain(ws) {
        const connection = ws.data.connection
        if (!connection) return
        flusher.unblock(connection)
        flusher.wake(connection)
      },
      close(ws) {
        decrement(perIp, ws.data.ip)
        ws.data.connection?.closed()
      },
    },
  }
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1)
}

function decrement(map: Map<string, number>, key: string): void {
  const left = (map.get(key) ?? 0) - 1
  if (left > 0) map.set(key, left)
  else map.delete(key)
}

/** One socket's hub client and message handling. */
class WsConnection implements ClientSink {
  readonly #ws: ServerWebSocket<SocketData>
  readonly #deps: WsTransportDeps
  readonly #client: Client
  readonly #perUser: Map<string, number>
  /** Hub key → the topic the client asked for, where they differ (dotted patterns, `*`). */
  #topics = new Map<string, string>()
  /** The last accepted subscription list, re-expanded when the identity changes. */
  #requested: string[] = []
  #user = ""
  #subscribeTimes: number[] = []
  /** Hub key → the Bun topic this socket is subscribed to for it (see `#joinPublishTopics`). */
  #publishTopics = new Map<string, string>()
  /** The auth the topics were named after; auth upkeep may change the client's since. */
  #topicsAuth: AuthContext | null = null
  readonly #flusher: SocketFlusher
  ended = false
  /** Whether the flusher holds this socket's next message back for a shared publish. */
  held = false
  /** The topics counted as blocked while Bun's buffer for this socket is full (null: not blocked). */
  blockedTopics: string[] | null = null

  constructor(ws: ServerWebSocket<SocketData>, deps: WsTransportDeps, shared: { perUser: Map<string, number>; flusher: SocketFlusher }) {
    this.#ws = ws
    this.#deps = deps
    this.#perUser = shared.perUser
    this.#flusher = shared.flusher
    this.#client = ws.data.client
    ws.send(JSON.stringify({ type: "connect", clientId: this.#client.id }))
    deps.hub.register(this.#client)
    this.#client.attach(this)
  }

  async receive(text: string | Buffer): Promise<void> {
    const message = parseIncoming(text)
    try {
      if (message === null) this.#reply(errorMessage(400, "Invalid realtime message.", {}))
      else if (message.type === "ping") this.#reply(JSON.stringify({ type: "pong" }))
      else if (message.type === "auth") await this.#authenticate(message.token)
      else await this.#subscribe(message.subscriptions, message.lastEventId)
    } catch (error) {
      if (error instanceof ApiError) return this.#reply(errorMessage(error.status, error.message, error.data))
      this.#deps.hub.reportError(error)
      this.#reply(errorMessage(500, "Something went wrong while processing your request.", {}))
    }
  }

  async #authenticate(token: string): Promise<void> {
    const auth = token === "" ? null : this.#deps.identify(token)
    if (token !== "" && auth === null) {
      this.#setUser(null)
      this.#reply(errorMessage(401, "The request requires valid record authorization token.", {}))
    } else if (auth !== null && authKey(auth) !== this.#user && (this.#perUser.get(authKey(auth)) ?? 0) >= this.#deps.limits.connectionsPerUser) {
      return this.#reply(errorMessage(429, "Too many realtime connections for this user.", {}))
    } else {
      this.#setUser(auth)
      this.#reply(JSON.stringify({ type: "auth", record: auth ? this.#deps.renderAuth(auth) : null }))
    }
    // `*` covers what the identity may list: expand it again for the new one.
    await this.#apply(this.#requested)
  }

  #setUser(auth: AuthContext | null): void {
    if (this.#user !== "") decrement(this.#perUser, this.#user)
    this.#user = auth ? authKey(auth) : ""
    if (this.#user !== "") increment(this.#perUser, this.#user)
    this.#client.auth = auth
    this.#joinPublishTopics()
  }

  /**
   * Every socket with the same identity and the same hub key shown under the same topic gets the
   * very same message for every event on that key: such sockets share one Bun topic, so the
   * flusher can hand one message to native code for all of them.
   */
  #joinPublishTopics(): void {
    for (const topic of this.#publishTopics.values()) this.#ws.unsubscribe(topic)
    this.#publishTopics = new Map()
    this.#topicsAuth = this.#client.auth
    if (this.ended) return
    const identity = authKey(this.#topicsAuth)
    for (const key of this.#client.topics()) {
      const topic = `${identity}\u0000${key}\u0000${this.topicOf(key)}`
      this.#publishTopics.set(key, topic)
      this.#ws.subscribe(topic)
    }
  }

  /** The Bun topics this socket is subscribed to. */
  sharedTopics(): string[] {
    return [...this.#publishTopics.values()]
  }

  /** The Bun topic this socket shares for a hub key (renamed first if auth upkeep changed its auth), or null. */
  sharedTopic(key: string): string | null {
    if (this.#client.auth !== this.#topicsAuth) this.#joinPublishTopics()
    return this.#publishTopics.get(key) ?? null
  }

  /** The topic the client asked for that a hub key stands for. */
  topicOf(key: string): string {
    return this.#topics.get(key) ?? key
  }

  async #subscribe(subscriptions: unknown, lastEventId: string | null): Promise<void> {
    const now = Date.now()
    this.#subscribeTimes = this.#subscribeTimes.filter((at) => now - at < 1000)
    if (this.#subscribeTimes.length >= this.#deps.limits.subscribesPerSecond) {
      return this.#reply(errorMessage(429, "Too many subscribe messages, slow down.", {}))
    }
    this.#subscribeTimes.push(now)
    const body = bindSubscribeBody({ clientId: this.#client.id, subscriptions })
    if (body instanceof ApiError) throw body
    const invalid = validateSubscribeBody(body)
    if (invalid) throw invalid
    if (body.subscriptions.length > this.#deps.limits.maxSubscriptions) {
      throw new ApiError(400, `Too many subscriptions (at most ${this.#deps.limits.maxSubscriptions} per connection).`, {})
    }
    // A reconnecting client's cursor: this subscription replays what it missed (as an SSE client's first POST does).
    if (lastEventId !== null) this.#client.set(STORE_RESUME_CURSOR, lastEventId)
    await this.#apply(body.subscriptions.filter((topic) => topic !== ""))
    this.#reply(JSON.stringify({ type: "subscribed", subscriptions: this.#requested }))
  }

  /** Expands and applies a subscription list through the subscribe hook; the list is kept only once accepted. */
  async #apply(requested: string[]): Promise<void> {
    const scope = { collections: this.#deps.collections(), superuser: this.#client.auth?.collection.name === "_superusers" }
    const topics = new Map<string, string>()
    for (const topic of requested) for (const [key, asked] of expandTopic(topic, scope)) if (!topics.has(key)) topics.set(key, asked)
    await this.#deps.subscribe({
      body: { clientId: this.#client.id, subscriptions: [...topics.keys()] },
      ip: this.#ws.data.ip,
      auth: this.#client.auth,
    })
    this.#requested = requested
    for (const [key, asked] of topics) if (key === asked) topics.delete(key)
    this.#topics = topics
    this.#joinPublishTopics()
  }

  #reply(text: string): void {
    if (!this.ended) this.#ws.send(text)
  }

  wake(): void {
    this.#flusher.wake(this)
  }

  /** Whether Bun holds enough unsent bytes for this socket that writing should wait for `drain`. */
  get backpressured(): boolean {
    return this.#ws.getBufferedAmount() >= SOCKET_HIGH_WATER
  }

  /** The next queued frame, or null. */
  take(): Frame | null {
    return this.#client.take()
  }

  send(text: string): void {
    this.#ws.send(text)
  }

  /**
   * The hub discarded the client (slow, shutdown): close the socket. A socket whose peer stopped
   * reading would never get the close frame behind its unsent bytes, so it is cut instead (the
   * peer sees the connection end and reconnects).
   */
  close(): void {
    if (this.ended) return
    if (this.backpressured) this.#ws.terminate()
    else this.#ws.close(1008, "realtime client closed")
  }

  /** The socket closed: leave the hub and free the per-user slot. */
  closed(): void {
    if (this.ended) return
    this.ended = true
    this.#flusher.unblock(this)
    this.#setUser(null)
    this.#deps.hub.unregister(this.#client.id)
  }
}

/** A frame tail decoded once, with its message per shown topic. */
interface DecodedTail {
  id: string | undefined
  name: string
  data: string
  byTopic: Map<string, string>
}

/** Decoded tails: fan-out shares one tail across the clients of a group, so each converts once. */
const decodedTails = new WeakMap<Uint8Array, DecodedTail>()

/** A message taken from a socket's queue: its text, the frame tail it came from and its shared Bun topic (null: none). */
interface PendingMessage {
  text: string
  tail: Uint8Array
  topic: string | null
}

/** Sockets of one topic with the same frame next, waiting for the rest of the topic's subscribers. */
interface Round {
  item: PendingMessage
  sockets: WsConnection[]
  since: number
}

/**
 * How long a socket's next frame may wait for the rest of its topic's subscribers (fan-out writes
 * a large group a slice at a time, yielding between slices) before it is sent on its own.
 */
const MAX_HOLD_MS = 50
const HEARTBEAT = Symbol("heartbeat")

/** The socket's next queued message (null when its queue is empty). */
function nextMessage(connection: WsConnection): PendingMessage | typeof HEARTBEAT | null {
  const frame = connection.take()
  if (frame === null) return null
  if (!frame.message) return HEARTBEAT
  const tail = frame.body
  let decoded = decodedTails.get(tail)
  if (!decoded) decodedTails.set(tail, (decoded = { ...decodeFrameTail(tail), byTopic: new Map() }))
  const shown = connection.topicOf(decoded.name)
  let text = decoded.byTopic.get(shown)
  if (text === undefined) decoded.byTopic.set(shown, (text = socketMessage(shown, decoded.data, decoded.id)))
  return { text, tail, topic: connection.sharedTopic(decoded.name) }
}

/**
 * Writes woken sockets' queued frames in each socket's order. A frame for a shared Bun topic
 * waits in that topic's round; when every subscriber of the topic has joined the round with the
 * same frame, it goes out once through `server.publish` and native code writes it to all of
 * them. Fan-out hands a big group over a slice at a time, so a round stays open across slices
 * (up to `MAX_HOLD_MS`); past that, when a subscriber's buffer is full (it may not read for long),
 * or when a subscriber turns out to be past the frame, each socket of the round gets its own `send`.
 */
class SocketFlusher {
  server: Server<unknown> | null = null
  readonly counters = { sent: 0, published: 0, publishedTo: 0 }
  readonly #pending = new Set<WsConnection>()
  /** Topic → the round of sockets waiting on it (at most one per topic). */
  readonly #open = new Map<string, Round>()
  /** Topic → its subscribers whose buffer is full: nobody waits for them (they may not read for long). */
  readonly #blocked = new Map<string, number>()
  #scheduled = false
  #deadline: Timer | null = null

  wake(connection: WsConnection): void {
    this.#pending.add(connection)
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => this.#run())
  }

  /** Counts a backpressured socket against its topics until `unblock`. */
  #block(connection: WsConnection): void {
    if (connection.blockedTopics !== null) return
    connection.blockedTopics = connection.sharedTopics()
    for (const topic of connection.blockedTopics) this.#blocked.set(topic, (this.#blocked.get(topic) ?? 0) + 1)
  }

  /** The socket drained or closed. */
  unblock(connection: WsConnection): void {
    const topics = connection.blockedTopics
    if (topics === null) return
    connection.blockedTopics = null
    for (const topic of topics) decrement(this.#blocked, topic)
  }

  #run(): void {
    this.#scheduled = false
    let active = [...this.#pending]
    this.#pending.clear()
    const now = Date.now()
    for (;;) {
      for (const connection of active) this.#drainInto(connection)
      // Complete rounds go out as one publish; their sockets then continue with their next frames.
      const released: WsConnection[] = []
      for (const [topic, round] of this.#open) {
        const complete = this.server?.subscriberCount(topic) === round.sockets.length
        if (!complete && !this.#blocked.has(topic) && now - round.since < MAX_HOLD_MS) continue
        this.#open.delete(topic)
        this.#release(topic, round, complete)
        released.push(...round.sockets)
      }
      if (released.length === 0) break
      active = released
    }
    if (this.#open.size > 0 && this.#deadline === null) {
      this.#deadline = setTimeout(() => {
        this.#deadline = null
        this.#run()
      }, MAX_HOLD_MS)
    }
  }

  /** Writes a socket's frames until its queue is empty, Bun's buffer is full, or a frame joins a round. */
  #drainInto(connection: WsConnection): void {
    while (!connection.ended && !connection.held) {
      if (connection.backpressured) return this.#block(connection)
      const item = nextMessage(connection)
      if (item === null) return
      if (item === HEARTBEAT) continue
      if (item.topic === null) {
        this.#send(connection, item.text)
        continue
      }
      const round = this.#open.get(item.topic)
      if (round === undefined) {
        this.#open.set(item.topic, { item, sockets: [connection], since: Date.now() })
        connection.held = true
      } else if (round.item.tail === item.tail) {
        round.sockets.push(connection)
        connection.held = true
      } else {
        // This socket is past the round's frame (it never got it, or got it alone after a
        // timeout): that round cannot complete. Its sockets go on into a round for this newer
        // frame, which realigns the topic's subscribers.
        this.#open.set(item.topic, { item, sockets: [connection], since: Date.now() })
        connection.held = true
        this.#release(item.topic, round, false)
        for (const member of round.sockets) this.#drainInto(member)
      }
    }
  }

  /** Sends a round's frame: once through `publish` when every subscriber is in it, else to each socket. */
  #release(topic: string, round: Round, complete: boolean): void {
    for (const connection of round.sockets) connection.held = false
    const sockets = round.sockets.filter((connection) => !connection.ended)
    if (complete && sockets.length === round.sockets.length && sockets.length > 1) {
      this.server!.publish(topic, round.item.text)
      this.counters.published++
      this.counters.publishedTo += sockets.length
    } else {
      for (const connection of sockets) this.#send(connection, round.item.text)
    }
  }

  #send(connection: WsConnection, text: string): void {
    connection.send(text)
    this.counters.sent++
  }
}
