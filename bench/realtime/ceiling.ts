/**
 * @module
 * Row (d), the ceiling: a bare Bun SSE server that does nothing but what the runtime must do.
 * `GET /api/realtime` opens a direct stream and writes a PB_CONNECT frame shaped like
 * PocketBase's; `POST /api/collections/posts/records` takes the same JSON body the record
 * creator sends elsewhere, encodes one record frame (same size and shape as a real one) and
 * writes it to every open stream, each with its own `id:` head. No database, no rules, no hub.
 *
 * Usage: `bun bench/realtime/ceiling.ts PORT`
 */
const port = Number(Bun.argv[2] ?? 8099)
const encoder = new TextEncoder()

interface DirectController {
  write(chunk: Uint8Array): number | Promise<number>
  flush(): number | Promise<number>
  close(): void
}

interface Stream {
  head: Uint8Array
  controller: DirectController
}

const streams = new Set<Stream>()
let seq = 0

function randomId(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
  let id = ""
  for (const byte of crypto.getRandomValues(new Uint8Array(length))) id += alphabet[byte % alphabet.length]
  return id
}

function broadcast(body: Record<string, unknown>): number {
  const record = { collectionId: "pbc_1125843985", collectionName: "posts", id: randomId(15), ...body }
  const tail = encoder.encode(`\nevent:posts/*\ndata:${JSON.stringify({ record, action: "create" })}\n\n`)
  let n = 0
  for (const stream of streams) {
    // Same two writes per frame as a hub would make: the client's head, then the shared tail.
    stream.controller.write(stream.head)
    stream.controller.write(tail)
    stream.controller.flush()
    n++
  }
  return n
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port,
  idleTimeout: 0,
  async fetch(req, srv) {
    const url = new URL(req.url)
    if (url.pathname === "/api/realtime" && req.method === "GET") {
      srv.timeout(req, 0)
      const clientId = randomId(40)
      let stream: Stream | null = null
      const body = new ReadableStream({
        type: "direct",
        pull(controller: DirectController) {
          stream = { head: encoder.encode(`id:${clientId}`), controller }
          streams.add(stream)
          controller.write(encoder.encode(`id:${clientId}\nevent:PB_CONNECT\ndata:{"clientId":"${clientId}"}\n\n`))
          controller.flush()
          return new Promise<void>((resolve) => req.signal.addEventListener("abort", () => resolve(), { once: true }))
        },
        cancel() {
          if (stream) streams.delete(stream)
        },
      } as unknown as ConstructorParameters<typeof ReadableStream<Uint8Array>>[0])
      req.signal.addEventListener("abort", () => stream && streams.delete(stream), { once: true })
      return new Response(body, { headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no" } })
    }
    if (url.pathname === "/api/collections/posts/records" && req.method === "POST") {
      const sent = broadcast((await req.json()) as Record<string, unknown>)
      return Response.json({ id: String(++seq), sent })
    }
    if (url.pathname === "/api/health") return Response.json({ code: 200, message: "API is healthy." })
    return new Response("not found", { status: 404 })
  },
})
console.log(`ceiling listening on ${server.url}`)
process.on("SIGTERM", () => process.exit(0))
process.on("SIGINT", () => process.exit(0))
