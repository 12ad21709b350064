/**
 * @module
 * A minimal HTTP/1.1 keep-alive client on one raw `Bun.connect` socket, so the benchmark knows
 * which process serves its requests: with SO_REUSEPORT the kernel picks a process per
 * connection, and `fetch`'s pool hides which connection a request used. One request at a time
 * per connection; responses must carry `Content-Length` (pocketbun's JSON and 204 answers do).
 */
import type { Socket } from "bun"

/** A response read off the connection. */
export interface PinnedResponse {
  status: number
  body: string
}

const HEAD_END = Buffer.from("\r\n\r\n")

/** One keep-alive connection; `request` queues behind the one in flight. */
export class PinnedConnection {
  readonly #socket: Socket<PinnedConnection>
  readonly #host: string
  #buffer: Buffer = Buffer.alloc(0)
  #pending: { resolve: (r: PinnedResponse) => void; reject: (e: Error) => void } | null = null
  #queue: Promise<unknown> = Promise.resolve()
  #closed = false

  private constructor(socket: Socket<PinnedConnection>, host: string) {
    this.#socket = socket
    this.#host = host
  }

  /** Opens a connection to 127.0.0.1:`port`. */
  static async open(port: number): Promise<PinnedConnection> {
    const socket = await Bun.connect<PinnedConnection>({
      hostname: "127.0.0.1",
      port,
      // `data` is set right after connecting; no byte arrives before the first request.
      data: undefined as unknown as PinnedConnection,
      socket: {
        data: (s, chunk) => s.data.#onData(chunk),
        close: (s) => {
          if (s.data) s.data.#fail(new Error("connection closed"))
        },
        error: (s, error) => {
          if (s.data) s.data.#fail(error)
        },
      },
    })
    const connection = new PinnedConnection(socket, `127.0.0.1:${port}`)
    socket.data = connection
    return connection
  }

  /** Sends one request and resolves with its response (requests on one connection run in order). */
  request(method: string, path: string, headers: Record<string, string> = {}, body = ""): Promise<PinnedResponse> {
    const run = () =>
      new Promise<PinnedResponse>((resolve, reject) => {
        if (this.#closed) return reject(new Error("connection closed"))
        this.#pending = { resolve, reject }
        let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.#host}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
        for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`
        this.#socket.write(head + "\r\n" + body)
      })
    const result = this.#queue.then(run, run)
    this.#queue = result.catch(() => {})
    return result
  }

  close(): void {
    this.#closed = true
    this.#socket.end()
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : Buffer.from(chunk)
    const headEnd = this.#buffer.indexOf(HEAD_END)
    if (headEnd === -1 || !this.#pending) return
    const head = this.#buffer.toString("latin1", 0, headEnd)
    const status = Number(head.slice(9, 12))
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)
    if (!length) return this.#fail(new Error(`response without Content-Length: ${head.split("\r\n", 1)[0]}`))
    const end = headEnd + 4 + Number(length[1])
    if (this.#buffer.length < end) return
    const body = this.#buffer.toString("utf8", headEnd + 4, end)
    this.#buffer = this.#buffer.subarray(end)
    const pending = this.#pending
    this.#pending = null
    pending.resolve({ status, body })
  }

  #fail(error: Error): void {
    this.#closed = true
    const pending = this.#pending
    this.#pending = null
    pending?.reject(error)
  }
}
