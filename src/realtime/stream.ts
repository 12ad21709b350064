/**
 * @module
 * `GET /api/realtime` as a plain `Response`: an SSE stream that drains one hub client.
 *
 * NB! Bun closes a response that has been quiet for 10 s (its default `idleTimeout`), which
 * would cut every SSE connection between messages. The route must call `server.timeout(req, 0)`
 * for this request (measured on Bun 1.4.4); our own idle/max timers bound the connection instead.
 */
import { Client, STORE_IP, type ClientSink } from "./client.ts"
import type { Hub } from "./hub.ts"
import { connectMessage } from "./sse.ts"

/** Options of one stream; durations in milliseconds. */
export interface StreamOptions {
  /** The request's real IP, stored so POSTs from elsewhere are refused. Omit for custom clients. */
  ip?: string
  /** Heartbeat comment interval; 0 disables. @default 25_000 */
  heartbeatMs?: number
  /** Close after this long without a delivered message; restarted by each one. @default 300_000 */
  idleTimeoutMs?: number
  /** Close this long after connecting, whatever the traffic. @default 1_800_000 */
  maxLifetimeMs?: number
  /** Outbound queue cap; overflow disconnects the client. @default the hub's (1 MiB) */
  bufferBytes?: number
  /** The request's abort signal; a peer that goes away ends the stream at once. */
  signal?: AbortSignal
  /** A client prepared by the caller (e.g. a connect hook); a fresh one otherwise. */
  client?: Client
  /** Runs once after the stream ended and the client was unregistered (PocketBase's "after next" connect-hook code). */
  onClose?: (client: Client) => void
}

/** SSE response headers, as PocketBase sends them. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-store",
  // Turns off nginx proxy buffering, which would hold frames back.
  // See https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_buffering
  "X-Accel-Buffering": "no",
})

/** The part of Bun's direct-stream controller we use: `write` returns a promise under backpressure. */
interface DirectController {
  write(chunk: Uint8Array): number | Promise<number>
  flush(): number | Promise<number>
  close(): void
}

/**
 * Opens a realtime stream: registers a client when the body starts, writes PB_CONNECT first,
 * then drains the client's queue; ends on idle timeout, max lifetime, discard, abort or cancel,
 * and always unregisters the client.
 */
export function openStream(hub: Hub, options: StreamOptions = {}): Response {
  const client = options.client ?? hub.createClient(options.bufferBytes === undefined ? {} : { bufferBytes: options.bufferBytes })
  if (options.ip !== undefined) client.set(STORE_IP, options.ip)
  const connection = new SseConnection(hub, client, options)
  options.signal?.addEventListener("abort", () => connection.end(), { once: true })
  // A direct stream hands us the sink writer itself: no per-chunk queue inside the stream, and
  // about 5.5 KB per idle connection, so the client's own queue is the only buffer we count.
  const body = new ReadableStream({
    type: "direct",
    pull: (controller: DirectController) => connection.run(controller),
    cancel: () => connection.end(),
  } as unknown as ConstructorParameters<typeof ReadableStream<Uint8Array>>[0])
  return new Response(body, { headers: SSE_HEADERS })
}

/** One SSE connection's lifecycle: timers, draining and the single exit path. */
class SseConnection implements ClientSink {
  readonly #hub: Hub
  readonly #client: Client
  readonly #heartbeatMs: number
  readonly #idleTimeoutMs: number
  readonly #maxLifetimeMs: number
  readonly #onClose: ((client: Client) => void) | undefined
  #controller: DirectController | null = null
  #timers: { idle?: Timer; max?: Timer; heartbeat?: Timer } = {}
  #draining = false
  #scheduled = false
  #ended = false
  #finished: () => void = () => {}
  #aborted: (reason: Error) => void = () => {}

  constructor(hub: Hub, client: Client, options: StreamOptions) {
    this.#hub = hub
    this.#client = client
    this.#heartbeatMs = options.heartbeatMs ?? 25_000
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 300_000
    this.#maxLifetimeMs = options.maxLifetimeMs ?? 1_800_000
    this.#onClose = options.onClose
  }

  /** Runs the stream; the returned promise settles when it ends. */
  run(controller: DirectController): Promise<void> {
    if (this.#ended) return Promise.resolve()
    this.#controller = controller
    const finished = new Promise<void>((resolve, reject) => {
      this.#finished = resolve
      this.#aborted = reject
    })
    this.#hub.register(this.#client)
    this.#client.attach(this)
    // Queued first, so anything sent to the client from now on is written after it.
    this.#client.send(connectMessage(this.#client.id))
    if (this.#client.isDiscarded()) {
      this.end()
      return finished
    }
    this.#timers.max = setTimeout(() => this.end(), this.#maxLifetimeMs)
    this.#timers.idle = setTimeout(() => this.end(), this.#idleTimeoutMs)
    if (this.#heartbeatMs > 0) this.#timers.heartbeat = setInterval(() => this.#client.sendHeartbeat(), this.#heartbeatMs)
    void this.#drain()
    return finished
  }

  wake(): void {
    // Batch every frame queued in this tick into one flush.
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      void this.#drain()
    })
  }

  close(): void {
    this.end()
  }

  touch(): void {
    this.#timers.idle?.refresh()
  }

  /**
   * Ends the stream and unregisters the client. Idempotent. A stream whose write is waiting on a
   * peer that stopped reading is aborted instead: Bun never sends the end of a response whose
   * socket is full (measured on Bun 1.4.4), so the peer would hang instead of reconnecting.
   */
  end(): void {
    if (this.#ended) return
    this.#ended = true
    const stuck = this.#draining
    clearTimeout(this.#timers.max)
    clearTimeout(this.#timers.idle)
    clearInterval(this.#timers.heartbeat)
    this.#timers = {}
    this.#hub.unregister(this.#client.id)
    this.#client.discard()
    if (stuck) {
      // Rejecting the pull resets the connection; closing the controller first would crash Bun.
      this.#aborted(new Error(`realtime client ${this.#client.id} stopped reading; connection aborted so it reconnects`))
    } else {
      try {
        this.#controller?.close()
      } catch {
        // Already closed by the peer: nothing left to end.
      }
      this.#finished()
    }
    this.#controller = null
    try {
      this.#onClose?.(this.#client)
    } catch (error) {
      this.#hub.reportError(error)
    }
  }

  async #drain(): Promise<void> {
    const controller = this.#controller
    if (this.#draining || this.#ended || controller === null) return
    this.#draining = true
    try {
      for (let frame = this.#client.take(); frame !== null; frame = this.#client.take()) {
        // Handing a message to the transport counts as delivery for the idle timeout.
        if (frame.message) this.#timers.idle?.refresh()
        // Under backpressure `write` returns a promise; frames keep queuing on the client (and
        // overflow there) instead of piling up inside the stream.
        if (frame.head) {
          const written = controller.write(frame.head)
          if (written instanceof Promise) await written
        }
        const written = controller.write(frame.body)
        if (written instanceof Promise) await written
        if (this.#ended) return
      }
      controller.flush()
    } catch {
      this.end()
    } finally {
      this.#draining = false
    }
  }
}
