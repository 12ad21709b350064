/**
 * @module
 * Serving: `Bun.serve` around an app, with clean shutdown. Used by the CLI and by tests.
 */
import type { Server } from "bun"
import type { App } from "./app.ts"

/** How long a stopping server waits for in-flight requests before cutting them. @default 2000 */
const STOP_GRACE_MS = 2_000

export interface RunningServer {
  server: Server<unknown>
  /** `http://host:port` the server listens on. */
  url: string
  /** Stops accepting requests, ends open streams, and closes the database. */
  stop(): Promise<void>
}

/** Starts listening; `port` 0 picks a free one. */
export function serveApp(app: App, hostname: string, port: number, reusePort = false): RunningServer {
  const server = Bun.serve({
    hostname,
    port,
    reusePort,
    // PocketBase's default body limit is enforced by the app (for its 413 body); this is only a backstop.
    maxRequestBodySize: app.services.config.bodyLimit * 2,
    fetch: (request, server) => app.fetch(request, { server }),
  })
  app.services.cron.start()
  return {
    server,
    url: `http://${hostname}:${server.port}`,
    async stop() {
      // End every SSE stream cleanly first, then let in-flight requests finish (bounded).
      app.services.realtime.hub.closeAll()
      await Promise.race([server.stop(false), Bun.sleep(STOP_GRACE_MS)])
      await server.stop(true)
      app.close()
    },
  }
}
