/**
 * @module
 * Serving: `Bun.serve` around an app, with clean shutdown, inside the app's lifecycle hooks
 * (`onBootstrap`, then `onServe` around listening; `onTerminate` around stopping). Used by the
 * CLI and by tests.
 */
import type { Server } from "bun"
import type { App } from "./app.ts"
import { BootstrapEvent, RealtimeConnectRequestEvent, ServeEvent, TerminateEvent } from "./hooks/index.ts"
import { createWsTransport, type WsTransport } from "./realtime/index.ts"
import { identify } from "./auth/identify.ts"

/** How long a stopping server waits for in-flight requests before cutting them. @default 2000 */
const STOP_GRACE_MS = 2_000

export interface RunningServer {
  server: Server<unknown>
  /** `http://host:port` the server listens on. */
  url: string
  /** Stops accepting requests, ends open streams, and closes the database. */
  stop(): Promise<void>
}

// An HTTP/1.0 request may leave out Host; Bun then hands over a path-only URL that no route
// matches. Such a request gets the server's own origin (its peer address is then unknown).
function withOrigin(request: Request, server: Server<unknown>): Request {
  return request.url.startsWith("/") ? new Request(server.url.origin + request.url, request) : request
}

/** Starts listening; `port` 0 picks a free one. A lifecycle handler that does not call `next()` keeps the server from starting (rejects). */
export async function serveApp(app: App, hostname: string, port: number, reusePort = false): Promise<RunningServer> {
  const { hooks } = app
  await hooks.onBootstrap.trigger(new BootstrapEvent(app))
  let server: Server<unknown> | null = null
  const sockets = realtimeSockets(app)
  const event = new ServeEvent(app, hostname, port)
  await hooks.onServe.trigger(event, (e) => {
    server = Bun.serve({
      hostname,
      port,
      reusePort,
      // No cap here: Bun's own 413 has an empty body. The app answers a declared size over the limit
      // with PocketBase's JSON 413 and Bun drains the unread body, so the client reads the answer
      // instead of meeting a reset; undeclared (chunked) bodies are capped while they are read.
      maxRequestBodySize: Number.MAX_SAFE_INTEGER,
      fetch: (request, server) => {
        const full = withOrigin(request, server)
        return sockets.handles(full) ? sockets.upgrade(full, server) : app.fetch(full, { server })
      },
      websocket: sockets.websocket,
    })
    e.url = `http://${hostname}:${server.port}`
  })
  const listening = server as Server<unknown> | null
  if (!listening) throw new Error("an onServe handler did not call next(): the server was not started")
  app.services.cron.start()
  return {
    server: listening,
    url: event.url,
    async stop() {
      await hooks.onTerminate.trigger(new TerminateEvent(app), async () => {
        // End every SSE stream cleanly first, then let in-flight requests finish (bounded).
        app.services.realtime.hub.closeAll()
        await Promise.race([listening.stop(false), Bun.sleep(STOP_GRACE_MS)])
        await listening.stop(true)
        app.close()
      })
    },
  }
}

/** The realtime WebSocket transport over an app's hub, with the app's auth, rendering and limits. */
function realtimeSockets(app: App): WsTransport {
  const { realtime, hooks, collections, records, recordService, config } = app.services
  return createWsTransport({
    hub: realtime.hub,
    subscribe: (request) => realtime.subscribe(request),
    identify: (token) => identify(token, { findCollection: (id) => collections.find(id), findRecord: (collection, id) => records.findById(collection, id) }),
    renderAuth: (auth) => recordService.renderer.render(auth.collection, [auth.record], { auth, context: "default", method: "GET", query: {}, headers: {}, body: {} })[0]!,
    collections: () => collections.all(),
    ipOf: (request, server) => server.requestIP(request)?.address ?? "",
    async connectHook(client, ip) {
      let accepted = false
      await hooks.onRealtimeConnectRequest.trigger(new RealtimeConnectRequestEvent(client, ip), () => void (accepted = true))
      return accepted
    },
    heartbeatSeconds: config.realtimeHeartbeat,
    limits: {
      maxSubscriptions: config.realtimeWsMaxSubscriptions,
      subscribesPerSecond: config.realtimeWsSubscribeRate,
      connectionsPerIp: config.realtimeWsPerIp,
      connectionsPerUser: config.realtimeWsPerUser,
    },
  })
}
