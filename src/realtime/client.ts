/**
 * @module
 * One realtime connection: its id, store, subscriptions and a bounded outbound FIFO of encoded
 * frames. The client knows nothing about HTTP; a `ClientSink` (the SSE stream) drains the queue.
 */
import { ALPHANUMERIC, randomString } from "../core/random.ts"
import type { AuthContext } from "../core/types.ts"
import { encodeFrameHead, encodeFrameTail, HEARTBEAT_FRAME, type Message } from "./sse.ts"
import { parseSubscription, type Subscription } from "./topics.ts"

/** Store key of the bound auth (an `AuthContext` or null). */
export const STORE_AUTH = "auth"
/** Store key of the IP the stream was opened from; POSTs from another IP are refused. */
export const STORE_IP = "pbRealtimeClientIP"

const NO_SUBSCRIPTIONS: readonly Subscription[] = Object.freeze([])

/** Default cap on bytes queued but not yet taken by the transport. */
export const DEFAULT_BUFFER_BYTES = 1 << 20

/** A new 40-character client id from `[A-Za-z0-9]`, as PocketBase makes them. */
export const newClientId = (): string => randomString(40, ALPHANUMERIC)

/** One queued frame: the client's own head plus a (possibly shared) tail; `message` is false for heartbeats. */
export interface Frame {
  head: Uint8Array | null
  body: Uint8Array
  message: boolean
}

/** The transport draining a client: woken when frames arrive, closed when the client is discarded. */
export interface ClientSink {
  /** Frames are waiting in the queue. */
  wake(): void
  /** The client was discarded: end the transport cleanly. */
  close(): void
  /** A message was consumed without writing (a send hook skipped it); restarts idle timers. */
  touch?(): void
}

/** Hub-side callbacks a registered client reports to; kept as one small seam so the client stays hub-agnostic. */
export interface ClientObserver {
  /** Runs send hooks: returns the message to write (maybe changed), or null to skip it. Throwing discards the client. */
  beforeSend(client: Client, message: Message): Message | null
  /** A frame was queued. */
  queued(client: Client): void
  /** The queue overflowed and the client is being disconnected. */
  overflowed(client: Client): void
  /** The client was discarded (for any reason). */
  discarded(client: Client): void
  /** The client gained its first, or lost its last, subscription with this base (the hub's topic index follows). */
  baseChanged(client: Client, base: string, subscribed: boolean): void
}

/** Options of a new client. */
export interface ClientOptions {
  /** Fixed id (tests, custom code); a fresh random id otherwise. */
  id?: string
  /** Queue cap in bytes; exceeding it disconnects the client. @default 1 MiB */
  bufferBytes?: number
}

/** A realtime client: subscriptions plus a bounded FIFO that never blocks producers. */
export class Client {
  readonly id: string
  /** When the client was created (unix ms), for presence listings. */
  readonly connectedAt = Date.now()
  readonly #store = new Map<string, unknown>()
  // The bound auth lives in a field (read and written through STORE_AUTH too): fan-out reads it
  // once per subscriber per event.
  #auth: AuthContext | null = null
  readonly #subs = new Map<string, Subscription>()
  /**
   * base → the subscriptions with that base, in subscription order; record fan-out reads them by
   * candidate base instead of scanning. Every key here matches its base's candidate prefix
   * (`key + "?"` starts with `base + "?"`), so no per-key check is needed.
   */
  readonly #byBase = new Map<string, Subscription[]>()
  readonly #bufferBytes: number
  readonly #head: Uint8Array
  #queue: Frame[] = []
  #queueStart = 0
  #queuedBytes = 0
  #discarded = false
  #sink: ClientSink | null = null
  #observer: ClientObserver | null = null

  constructor(options: ClientOptions = {}) {
    this.id = options.id ?? newClientId()
    this.#bufferBytes = options.bufferBytes ?? DEFAULT_BUFFER_BYTES
    this.#head = encodeFrameHead(this.id)
  }

  /** Reads a store value. */
  get(key: string): unknown {
    return key === STORE_AUTH ? this.#auth : this.#store.get(key)
  }

  /** Writes a store value. */
  set(key: string, value: unknown): void {
    if (key === STORE_AUTH) this.#auth = (value as AuthContext | null | undefined) ?? null
    else this.#store.set(key, value)
  }

  /** The auth bound by the last accepted POST, or null (guest). */
  get auth(): AuthContext | null {
    return this.#auth
  }

  set auth(auth: AuthContext | null) {
    this.#auth = auth
  }

  /** Adds subscriptions (options parsed now); `""` is skipped and an existing key is overwritten. */
  subscribe(...topics: string[]): void {
    for (const raw of topics) {
      if (raw === "") continue
      const sub = parseSubscription(raw)
      const previous = this.#subs.get(raw)
      this.#subs.set(raw, sub)
      let list = this.#byBase.get(sub.base)
      if (!list) {
        this.#byBase.set(sub.base, (list = []))
        this.#observer?.baseChanged(this, sub.base, true)
      }
      // An overwritten key keeps its place, as it does in `#subs`.
      const at = previous ? list.indexOf(previous) : -1
      if (at === -1) list.push(sub)
      else list[at] = sub
    }
  }

  /** Removes exact keys; with no arguments removes every subscription. */
  unsubscribe(...topics: string[]): void {
    if (topics.length === 0) {
      const bases = [...this.#byBase.keys()]
      this.#subs.clear()
      this.#byBase.clear()
      for (const base of bases) this.#observer?.baseChanged(this, base, false)
      return
    }
    for (const raw of topics) {
      const sub = this.#subs.get(raw)
      if (!sub) continue
      this.#subs.delete(raw)
      const list = this.#byBase.get(sub.base)
      const at = list ? list.indexOf(sub) : -1
      if (at !== -1) list!.splice(at, 1)
      if (list?.length === 0) {
        this.#byBase.delete(sub.base)
        this.#observer?.baseChanged(this, sub.base, false)
      }
    }
  }

  /** Exact key match; the options suffix is part of the key. */
  hasSubscription(topic: string): boolean {
    return this.#subs.has(topic)
  }

  /** Number of subscriptions. */
  get subscriptionCount(): number {
    return this.#subs.size
  }

  /** The subscription keys, in subscription order. */
  topics(): string[] {
    return [...this.#subs.keys()]
  }

  /** The bases the client has subscriptions under (what the hub's topic index files it under). */
  bases(): IterableIterator<string> {
    return this.#byBase.keys()
  }

  /**
   * The stored subscriptions whose base is `base` (what a candidate with that base matches), as a
   * live read-only view: fan-out reads it once per client per event without copying.
   */
  subscriptionsWithBase(base: string): readonly Subscription[] {
    return this.#byBase.get(base) ?? NO_SUBSCRIPTIONS
  }

  /** Whether the client was discarded. */
  isDiscarded(): boolean {
    return this.#discarded
  }

  /** Bytes waiting for the transport. */
  get queuedBytes(): number {
    return this.#queuedBytes
  }

  /**
   * Queues a message. Never throws and never blocks: a discarded client ignores it, and a full
   * queue disconnects the client rather than dropping the message silently.
   */
  send(message: Message): void {
    this.sendEncoded(message, null)
  }

  /**
   * Like `send`, with the frame tail already encoded (shared by fan-out across clients). The
   * tail is used only if send hooks leave the message unchanged.
   */
  sendEncoded(message: Message, tail: Uint8Array | null): void {
    if (this.#discarded) return
    let out: Message | null = message
    if (this.#observer) {
      try {
        out = this.#observer.beforeSend(this, message)
      } catch {
        // A failing send hook ends the connection, as in PocketBase.
        this.discard()
        return
      }
      if (this.#discarded) return
      if (out === null) {
        this.#sink?.touch?.()
        return
      }
    }
    const body = out === message && tail !== null ? tail : encodeFrameTail(out)
    this.#enqueue({ head: this.#head, body, message: true })
  }

  /** Queues a heartbeat comment; skipped while frames are already waiting (the link is not idle then). */
  sendHeartbeat(): void {
    if (this.#discarded || this.#queuedBytes > 0) return
    this.#enqueue({ head: null, body: HEARTBEAT_FRAME, message: false })
  }

  /** Takes the oldest queued frame (for the sink), or null when the queue is empty. */
  take(): Frame | null {
    if (this.#queueStart >= this.#queue.length) return null
    const frame = this.#queue[this.#queueStart]!
    this.#queue[this.#queueStart++] = undefined as unknown as Frame
    this.#queuedBytes -= frameSize(frame)
    if (this.#queueStart === this.#queue.length) {
      this.#queue = []
      this.#queueStart = 0
    } else if (this.#queueStart > 1024 && this.#queueStart * 2 > this.#queue.length) {
      // A client that is always a little behind never empties its queue: drop the taken slots.
      this.#queue = this.#queue.slice(this.#queueStart)
      this.#queueStart = 0
    }
    return frame
  }

  /** Connects the transport that drains this client; frames already queued are waiting for it. */
  attach(sink: ClientSink): void {
    this.#sink = sink
    if (this.#discarded) sink.close()
    else if (this.#queuedBytes > 0) sink.wake()
  }

  /** Connects the hub (send hooks, counters, topic index). Set by `Hub.register`. */
  observe(observer: ClientObserver | null): void {
    this.#observer = observer
  }

  /** Marks the client discarded, drops its queue and closes its transport. Idempotent. */
  discard(): void {
    if (this.#discarded) return
    this.#discarded = true
    this.#queue = []
    this.#queueStart = 0
    this.#queuedBytes = 0
    const sink = this.#sink
    this.#sink = null
    this.#observer?.discarded(this)
    sink?.close()
  }

  #enqueue(frame: Frame): void {
    const size = frameSize(frame)
    // A single frame bigger than the cap still goes out when nothing else is waiting: the cap
    // bounds a backlog, not the size of one record.
    if (this.#queuedBytes > 0 && this.#queuedBytes + size > this.#bufferBytes) {
      this.#observer?.overflowed(this)
      this.discard()
      return
    }
    this.#queue.push(frame)
    this.#queuedBytes += size
    if (frame.message) this.#observer?.queued(this)
    this.#sink?.wake()
  }
}

function frameSize(frame: Frame): number {
  return (frame.head?.byteLength ?? 0) + frame.body.byteLength
}
