/**
 * @module
 * Realtime across the processes of one machine without Redis. `serve --workers=N` (the parent)
 * runs a hub on a unix domain socket that relays each worker's lines to the others; every worker
 * connects with a `SocketBroker`, which offers what the Redis broker offers: publish/subscribe with
 * record events in commit order, request/reply across processes, and the list of live processes.
 *
 * Lines are one letter then a payload, so the hub routes without parsing JSON (or decoding the
 * bytes): `H<node>` hello, `N<json node ids>` membership (hub to workers), `E<json event>` and
 * `A<json request>` to every other worker, `R<node>\t<json reply>` to one worker. A record event
 * names its collection by id: every worker reads the same database, and the collection's JSON
 * was most of every line.
 */
import type { Socket } from "bun"
import type { Collection } from "../core/types.ts"
import { LocalBroker, type RealtimeEventHandler } from "./broker.ts"
import type { ClusterBroker, ClusterRequestHandler, CollectionLookup } from "./cluster-broker.ts"
import type { RealtimeEvent, RecordChangeEvent } from "./events.ts"
import { CommitSequencer, DEFAULT_GAP_TIMEOUT_MS } from "./sequencer.ts"

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const NEWLINE = 0x0a

/**
 * Writes whole lines to a socket: the lines of one turn (a group commit publishes its events
 * together) go out in one write, and what the kernel did not take waits for the drain. Text
 * lines get their newline here; byte lines (relayed by the hub) carry theirs.
 */
class LineWriter {
  readonly #socket: Socket<unknown>
  readonly #backlog: Uint8Array[] = []
  #turn: Array<string | Uint8Array> = []

  constructor(socket: Socket<unknown>) {
    this.#socket = socket
  }

  write(line: string | Uint8Array): void {
    if (this.#turn.length === 0) queueMicrotask(() => this.#endTurn())
    this.#turn.push(typeof line === "string" ? `${line}\n` : line)
  }

  /** Called on the socket's drain. */
  flush(): void {
    while (this.#backlog.length > 0) {
      const bytes = this.#backlog.shift()!
      if (!this.#push(bytes)) return
    }
  }

  #endTurn(): void {
    const parts = this.#turn
    this.#turn = []
    const bytes = parts.every((part) => typeof part === "string")
      ? encoder.encode(parts.join(""))
      : Buffer.concat(parts.map((part) => (typeof part === "string" ? encoder.encode(part) : part)))
    if (this.#backlog.length > 0) this.#backlog.push(bytes)
    else this.#push(bytes)
  }

  // Returns false (and keeps the unwritten rest first in line) when the kernel is full.
  #push(bytes: Uint8Array): boolean {
    const written = this.#socket.write(bytes)
    if (written >= bytes.byteLength) return true
    this.#backlog.unshift(bytes.subarray(Math.max(written, 0)))
    return false
  }
}

/** Splits a byte stream into lines (newline included), copied out of the socket's buffer. */
class LineReader {
  #partial: Uint8Array | null = null

  lines(chunk: Uint8Array): Uint8Array[] {
    const data = this.#partial ? Buffer.concat([this.#partial, chunk]) : chunk
    this.#partial = null
    const lines: Uint8Array[] = []
    let start = 0
    for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
      lines.push(data.slice(start, end + 1))
      start = end + 1
    }
    if (start < data.length) this.#partial = data.slice(start)
    return lines
  }
}

interface Peer {
  node: string | null
  out: LineWriter
  reader: LineReader
}

// A line's text, by default without its leading letter; never with its newline.
const lineText = (line: Uint8Array, from = 1, to = line.length - 1) => decoder.decode(line.subarray(from, to))

/** The relay the workers' brokers connect to. */
export interface SocketHub {
  readonly path: string
  stop(): void
}

/** Starts the hub on a unix socket at `path` (the file must not exist). */
export function startSocketHub(path: string): SocketHub {
  const peers = new Set<Socket<Peer>>()
  const byNode = new Map<string, Socket<Peer>>()
  const announce = () => {
    const line = `N${JSON.stringify([...byNode.keys()])}`
    for (const peer of peers) peer.data.out.write(line)
  }
  const route = (from: Socket<Peer>, line: Uint8Array) => {
    switch (String.fromCharCode(line[0]!)) {
      case "H":
        from.data.node = lineText(line)
        byNode.set(from.data.node, from)
        announce()
        return
      case "E":
      case "A":
        for (const peer of peers) if (peer !== from) peer.data.out.write(line)
        return
      case "R":
        byNode.get(lineText(line, 1, line.indexOf(0x09)))?.data.out.write(line)
        return
    }
  }
  const listener = Bun.listen<Peer>({
    unix: path,
    socket: {
      open(socket) {
        socket.data = { node: null, out: new LineWriter(socket as Socket<unknown>), reader: new LineReader() }
        peers.add(socket)
      },
      data(socket, chunk) {
        for (const line of socket.data.reader.lines(chunk)) route(socket, line)
      },
      drain(socket) {
        socket.data.out.flush()
      },
      close(socket) {
        peers.delete(socket)
        if (socket.data.node !== null && byNode.get(socket.data.node) === socket) {
          byNode.delete(socket.data.node)
          announce()
        }
      },
      error(socket, error) {
        console.error("realtime hub: worker connection failed", error)
      },
    },
  })
  return { path, stop: () => listener.stop(true) }
}

/** An event as it travels: a record event's collection is its id. */
type WireEvent = Exclude<RealtimeEvent, RecordChangeEvent> | (Omit<RecordChangeEvent, "collection"> & { collection: string })

const toWire = (event: RealtimeEvent): WireEvent => (event.type === "record" ? { ...event, collection: event.collection.id } : event)

/** A question to every other worker, and one worker's answer to it. */
type Request = { id: string; from: string; kind: string; payload: unknown }
type Reply = { id: string; result: unknown }

/** A worker's `ClusterBroker` over the hub's unix socket. */
export class SocketBroker implements ClusterBroker {
  readonly kind = "socket"
  readonly nodeId: string
  /** This process's handlers, called in order as events come out of the sequencer. */
  readonly #local = new LocalBroker((error) => console.error("realtime broker handler failed", error))
  readonly #sequencer: CommitSequencer<RealtimeEvent | null>
  readonly #waiting = new Map<string, (answer: unknown) => void>()
  #out: LineWriter | null = null
  #socket: Socket<LineReader> | null = null
  #nodes: string[] = []
  #joined: (() => void) | null = null
  #requestHandler: ClusterRequestHandler | null = null
  #collections: CollectionLookup | null = null
  #counter = 0
  #closed = false
  #connected = true

  private constructor(nodeId: string, gapTimeoutMs: number) {
    this.nodeId = nodeId
    this.#sequencer = new CommitSequencer(
      (event) => event && this.#local.publish(event),
      (event) => (event?.type === "record" ? `${event.collection.id}/${String(event.record.id)}` : ""),
      gapTimeoutMs,
    )
  }

  /** Whether the connection to the hub is up (the dashboard shows each process's). */
  get healthy(): boolean {
    return this.#connected
  }

  /** Connects to the hub at `path` and resolves once the hub lists this process. */
  static async connect(options: { path: string; nodeId: string; gapTimeoutMs?: number }): Promise<SocketBroker> {
    const broker = new SocketBroker(options.nodeId, options.gapTimeoutMs ?? DEFAULT_GAP_TIMEOUT_MS)
    const joined = new Promise<void>((resolve) => (broker.#joined = resolve))
    broker.#socket = await Bun.connect<LineReader>({
      unix: options.path,
      socket: {
        open: (socket) => void (socket.data = new LineReader()),
        data: (socket, chunk) => {
          for (const line of socket.data.lines(chunk)) broker.#onLine(lineText(line, 0))
        },
        drain: () => broker.#out?.flush(),
        close: () => {
          broker.#connected = false
          if (!broker.#closed) console.error("realtime hub connection lost: delivering to this process's clients only")
          broker.#nodes = [broker.nodeId]
        },
        error: (_socket, error) => console.error("realtime hub connection failed", error),
      },
    })
    broker.#out = new LineWriter(broker.#socket as Socket<unknown>)
    broker.#out.write(`H${options.nodeId}`)
    await joined
    return broker
  }

  /** Record events delivered after later ones (late), and dropped because superseded. */
  get orderStats(): { late: number; superseded: number } {
    return { late: this.#sequencer.late, superseded: this.#sequencer.superseded }
  }

  publish(event: RealtimeEvent): void {
    this.#receive(event)
    this.#out?.write(`E${JSON.stringify(toWire(event))}`)
  }

  subscribe(handler: RealtimeEventHandler): () => void {
    return this.#local.subscribe(handler)
  }

  resolveCollectionsWith(collections: CollectionLookup): void {
    this.#collections = collections
  }

  handleRequests(handler: ClusterRequestHandler): void {
    this.#requestHandler = handler
  }

  async ask(kind: string, payload: unknown, options: { timeoutMs: number; until?: (answer: unknown) => boolean }): Promise<unknown[]> {
    const others = this.#nodes.filter((node) => node !== this.nodeId).length
    if (others === 0 || !this.#out) return []
    const id = `${this.nodeId}:${++this.#counter}`
    const answers: unknown[] = []
    const { promise: settled, resolve: settle } = Promise.withResolvers<void>()
    this.#waiting.set(id, (answer) => {
      answers.push(answer)
      if (answers.length >= others || options.until?.(answer)) settle()
    })
    const request: Request = { id, from: this.nodeId, kind, payload }
    this.#out.write(`A${JSON.stringify(request)}`)
    const timer = setTimeout(settle, options.timeoutMs)
    await settled
    clearTimeout(timer)
    this.#waiting.delete(id)
    return answers
  }

  async liveNodes(): Promise<string[]> {
    return [...this.#nodes]
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#sequencer.close()
    this.#socket?.end()
  }

  #onLine(line: string): void {
    try {
      switch (line[0]) {
        case "N":
          this.#nodes = JSON.parse(line.slice(1)) as string[]
          if (this.#nodes.includes(this.nodeId)) this.#joined?.()
          return
        case "E": {
          const wire = JSON.parse(line.slice(1)) as WireEvent
          const event = this.#fromWire(wire)
          // A dropped record event still takes its place in the order, or the others would wait for it.
          if (wire.type === "record" && typeof wire.seq === "number") this.#sequencer.push(wire.seq, event)
          else if (event) this.#local.publish(event)
          return
        }
        case "A":
          void this.#answer(JSON.parse(line.slice(1)) as Request)
          return
        case "R": {
          const reply = JSON.parse(line.slice(line.indexOf("\t") + 1)) as Reply
          this.#waiting.get(reply.id)?.(reply.result)
          return
        }
      }
    } catch (error) {
      console.error("realtime hub: unreadable line", error)
    }
  }

  // A collection this process does not know yet was just created by another: read the schema
  // again once. Events of a collection gone meanwhile are dropped (its records are gone too).
  #fromWire(event: WireEvent): RealtimeEvent | null {
    if (event.type !== "record") return event
    const collections = this.#collections
    if (!collections) return null
    let collection: Collection | undefined = collections.find(event.collection)
    if (!collection) {
      collections.reload()
      collection = collections.find(event.collection)
    }
    return collection ? { ...event, collection } : null
  }

  #receive(event: RealtimeEvent): void {
    if (event.type === "record" && typeof event.seq === "number") this.#sequencer.push(event.seq, event)
    else this.#local.publish(event)
  }

  async #answer(request: Request): Promise<void> {
    if (!this.#requestHandler) return
    try {
      const result = await this.#requestHandler(request.kind, request.payload)
      if (result === undefined) return
      const reply: Reply = { id: request.id, result }
      this.#out?.write(`R${request.from}\t${JSON.stringify(reply)}`)
    } catch (error) {
      console.error("cluster request failed", error)
    }
  }
}
