/**
 * @module
 * Raw HTTP/1.1 over a TCP socket, for requests `fetch` will not send (unknown methods, lying
 * headers, bodies larger than declared) and for telling an answer from a reset connection.
 */
import net from "node:net"

/** What came back on the socket: the parsed answer, if any, and how the connection ended. */
export interface RawAnswer {
  /** 0 when no status line arrived. */
  status: number
  headers: Record<string, string>
  body: string
  /** "closed" (FIN after the answer or without one), "reset" (RST) or "timeout". */
  ending: "closed" | "reset" | "timeout"
}

/** Options for {@link rawRequest}. */
export interface RawRequestOptions {
  /** Bytes written after the head (the request line and headers must already end in CRLFCRLF). */
  body?: Uint8Array | string
  /** Writes the body in chunks of this size, pausing between them (to grow a chunked body slowly). */
  chunkSize?: number
  /** Gives up after this long. @default 10_000 */
  timeoutMs?: number
}

/** Sends `head` (and the body) to `url`'s host and port, and reads until the server closes. */
export function rawRequest(url: string, head: string, options: RawRequestOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const received: Buffer[] = []
    const socket = net.createConnection({ host: hostname, port: Number(port) })
    let settled = false
    const finish = (ending: RawAnswer["ending"]) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ ...parseAnswer(Buffer.concat(received).toString("latin1")), ending })
    }
    const timer = setTimeout(() => finish("timeout"), options.timeoutMs ?? 10_000)
    socket.on("data", (chunk: Buffer) => received.push(chunk))
    socket.on("end", () => finish("closed"))
    socket.on("close", () => finish("closed"))
    socket.on("error", (error: NodeJS.ErrnoException) => finish(error.code === "ECONNRESET" || error.code === "EPIPE" ? "reset" : "closed"))
    socket.on("connect", async () => {
      socket.write(head)
      const body = typeof options.body === "string" ? Buffer.from(options.body, "latin1") : options.body
      if (!body) return
      const size = options.chunkSize ?? body.byteLength
      for (let offset = 0; offset < body.byteLength && !settled && !socket.destroyed; offset += size) {
        socket.write(body.subarray(offset, offset + size))
        if (options.chunkSize) await new Promise((r) => setImmediate(r))
      }
    })
  })
}

function parseAnswer(text: string): Omit<RawAnswer, "ending"> {
  const split = text.indexOf("\r\n\r\n")
  if (!text.startsWith("HTTP/")) return { status: 0, headers: {}, body: "" }
  const [statusLine = "", ...lines] = text.slice(0, split === -1 ? text.length : split).split("\r\n")
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(":")
    const name = line.slice(0, colon).toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = headers[name] ? `${headers[name]}, ${value}` : value
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: split === -1 ? "" : text.slice(split + 4) }
}
