/**
 * @module
 * Serving: `Bun.serve` around an app, with clean shutdown, inside the app's lifecycle hooks
 * (`onBootstrap`, then `onServe` around listening; `onTerminate` around stopping). Used by the
 * CLI and by tests.
 */
import type { Server } from "bun"
import type { App } from "./app.ts"
import { BootstrapEvent, ServeEvent, TerminateEvent } from "./hooks/index.ts"

/** How long a stopping server waits for in-flight requests before cutting them. @default 2000 */
const STOP_GRACE_MS = 2_000

export interface RunningServer {
  server: Server<unknown>
  /** `http://host:port` the server listens on. */
  url: string
  /** Stops accepting requests, ends open streams, and closes the database. */
  stop(): Promise<void>
}

/** Starts listening; `port` 0 picks a free one. A lifecycle handler that does not call `next()` keeps the server from starting (rejects). */
export async function serveApp(app: App, hostname: string, port: number, reusePort = false): Promise<RunningServer> {
  const { hooks } = app
  await hooks.onBootstrap.trigger(new BootstrapEvent(app))
  let server: Server<unknown> | null = null
  const event = new ServeEvent(app, hostname, port)
  await hooks.onServe.trigger(event, (e) => {
    server = Bun.serve({
      hostname,
      port,
      reusePort,
      // PocketBase's default body limit is enforced by the app (for its 413 body); this is only a backstop.
      maxRequestBodySize: app.services.config.bodyLimit * 2,
      fetch: (request, server) => app.fetch(request, { server }),
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
