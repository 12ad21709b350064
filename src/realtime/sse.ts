/**
 * @module
 * Server-Sent Events frame encoding, byte-exact with PocketBase: `id:<clientId>\nevent:<name>\ndata:<data>\n\n`
 * (no space after the colons, always the connection's client id, data on one line).
 * Pure functions only; streams live in `stream.ts`.
 */

/** Name of the first event on every connection; its data is `{"clientId":"<id>"}`. */
export const PB_CONNECT = "PB_CONNECT"

/** One outgoing realtime message: the SSE event name and its raw (single-line) data. */
export interface Message {
  name: string
  data: string
}

const encoder = new TextEncoder()

/**
 * Heartbeat comment frame. PocketBase sends none; we add one so proxies and load balancers
 * that cut quiet connections keep ours open. EventSource ignores comment lines.
 */
export const HEARTBEAT_FRAME: Uint8Array = encoder.encode(":\n\n")

/** The per-connection frame head `id:<clientId>`, encoded once per client and reused for every frame. */
export function encodeFrameHead(clientId: string): Uint8Array {
  return encoder.encode(`id:${clientId}`)
}

/**
 * The client-independent rest of a frame (`\nevent:…\ndata:…\n\n`). Fan-out encodes it once per
 * distinct payload and writes the same bytes after each subscriber's own head.
 */
export function encodeFrameTail(message: Message): Uint8Array {
  return encoder.encode(`\nevent:${message.name}\ndata:${message.data}\n\n`)
}

/** The PB_CONNECT message for a client; the SDK reads the id from the `id:` line, so both carry it. */
export function connectMessage(clientId: string): Message {
  return { name: PB_CONNECT, data: JSON.stringify({ clientId }) }
}

/**
 * True when data or name would break the one-line frame format (CR or LF). PocketBase leaves
 * custom data unchecked; we refuse such messages instead of emitting a corrupt stream.
 */
export function hasLineBreak(text: string): boolean {
  return text.includes("\n") || text.includes("\r")
}
