/**
 * @module
 * Test fixtures shared by the realtime tests: plain collections and auth contexts, a sink that
 * collects decoded frames, and an SSE reader with deadlines. Not part of the public API.
 */
import type { AuthContext, Collection, RecordData } from "../../src/core/types.ts"
import type { Client, ClientSink } from "../../src/realtime/client.ts"

/** A minimal collection value. */
export function collection(name: string, overrides: Partial<Collection> = {}): Collection {
  return {
    id: `pbc_${name}`,
    name,
    type: "base",
    system: false,
    fields: [],
    indexes: [],
    listRule: "",
    viewRule: "",
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: "",
    updated: "",
    ...overrides,
  }
}

export const users = collection("users", { type: "auth", authToken: { secret: "s1", duration: 10 } })
export const superusers = collection("_superusers", { type: "auth", authToken: { secret: "s0", duration: 10 } })

/** An auth context for a record of `col`. */
export function authAs(id: string, col: Collection = users, extra: RecordData = {}): AuthContext {
  return { record: { id, tokenKey: `key_${id}`, ...extra }, collection: col }
}

/** A decoded frame as the wire would carry it. */
export interface DecodedFrame {
  id: string
  event: string
  data: string
}

/** A sink that drains the client synchronously and keeps decoded frames (heartbeats skipped). */
export class CollectingSink implements ClientSink {
  readonly frames: DecodedFrame[] = []
  closed = false
  touches = 0
  readonly #client: Client
  readonly #decoder = new TextDecoder()

  constructor(client: Client) {
    this.#client = client
    client.attach(this)
  }

  wake(): void {
    for (let f = this.#client.take(); f !== null; f = this.#client.take()) {
      if (!f.message) continue
      const text = this.#decoder.decode(f.head!) + this.#decoder.decode(f.body)
      this.frames.push(...parseFrames(text))
    }
  }

  close(): void {
    this.closed = true
  }

  touch(): void {
    this.touches++
  }

  /** Event names received, in order. */
  get events(): string[] {
    return this.frames.map((f) => f.event)
  }
}

/** Splits SSE text into frames; comment-only frames are dropped. */
export function parseFrames(text: string): DecodedFrame[] {
  const out: DecodedFrame[] = []
  for (const block of text.split("\n\n")) {
    if (block === "" || block.startsWith(":")) continue
    const frame: DecodedFrame = { id: "", event: "", data: "" }
    for (const line of block.split("\n")) {
      const colon = line.indexOf(":")
      const field = line.slice(0, colon)
      if (field === "id" || field === "event" || field === "data") frame[field] = line.slice(colon + 1)
    }
    out.push(frame)
  }
  return out
}

/** Reads an SSE body with deadlines; every wait fails with a message saying what was awaited. */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>
  readonly #decoder = new TextDecoder()
  #pending: ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]> | null = null
  /** Everything received so far, raw. */
  text = ""
  done = false

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader() as ReadableStreamDefaultReader<Uint8Array>
  }

  /** Reads until `predicate(text)` holds, or fails after `timeoutMs`. */
  async until(predicate: (text: string) => boolean, what: string, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    while (!predicate(this.text)) {
      if (this.done) throw new Error(`stream ended before ${what}; got ${JSON.stringify(this.text.slice(-300))}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.text.slice(-300))}`)
      await this.#readFor(left)
    }
    return this.text
  }

  /** Waits for the stream to end. */
  async ended(what: string, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.done) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
      await this.#readFor(left)
    }
  }

  /** One read raced against a timer; a read that loses the race is kept for the next call, never lost. */
  async #readFor(ms: number): Promise<void> {
    this.#pending ??= this.#reader.read()
    let timer: Timer | undefined
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)))
    const chunk = await Promise.race([this.#pending, timeout])
    clearTimeout(timer)
    if (chunk === "timeout") return
    this.#pending = null
    if (chunk.done) this.done = true
    else this.text += this.#decoder.decode(chunk.value, { stream: true })
  }

  /** Decoded frames received so far. */
  frames(): DecodedFrame[] {
    return parseFrames(this.text)
  }

  cancel(): Promise<void> {
    return this.#reader.cancel()
  }
}

/** Polls `check` until it holds or fails after `timeoutMs` with `what`. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await Bun.sleep(5)
  }
}
