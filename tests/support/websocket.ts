/**
 * @module
 * A realtime WebSocket client for tests: every message it receives is collected, and `request`
 * sends one message and waits for the answer of the given type.
 */
import { EventCollector, waitFor } from "./realtime.ts"

/** One open `/api/realtime/ws` connection. */
export class TestSocket {
  readonly messages: EventCollector<any>
  readonly #ws: WebSocket
  clientId = ""

  private constructor(ws: WebSocket, label: string) {
    this.#ws = ws
    this.messages = new EventCollector(label)
    ws.onmessage = (event) => this.messages.push(JSON.parse(String(event.data)))
  }

  /** Opens a socket and waits for its `connect` message. */
  static async open(baseUrl: string, label = "ws"): Promise<TestSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/realtime/ws`)
    const socket = new TestSocket(ws, label)
    const connect = await socket.messages.next()
    if (connect.type !== "connect") throw new Error(`expected connect, got ${JSON.stringify(connect)}`)
    socket.clientId = connect.clientId
    return socket
  }

  send(message: unknown): void {
    this.#ws.send(typeof message === "string" ? message : JSON.stringify(message))
  }

  /** Sends a message and returns the next message whose type is one of `types`. */
  async request(message: unknown, ...types: string[]): Promise<any> {
    const seen = this.messages.all.length
    this.send(message)
    await waitFor(() => this.messages.all.slice(seen).some((m) => types.includes(m.type)), 3000, `a ${types.join("/")} answer`)
    return this.messages.all.slice(seen).find((m) => types.includes(m.type))
  }

  /** Record events received so far (any topic). */
  events(): any[] {
    return this.messages.all.filter((m) => m.type === "record_event")
  }

  get readyState(): number {
    return this.#ws.readyState
  }

  close(): void {
    this.#ws.close()
  }
}
