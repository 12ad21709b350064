/**
 * @module
 * The HTTP application: global middleware, every route group, and the one error handler. The
 * only place routes are mounted; `src/app.ts` hands it the services.
 */
import { Hono } from "hono"
import { ApiError, notFound } from "../core/errors.ts"
import type { Services } from "../services.ts"
import type { HttpEnv } from "./context.ts"
import { globalHeaders } from "./middleware/headers.ts"
import { resolveAuth } from "./middleware/auth.ts"
import { bodyLimit } from "./middleware/body-limit.ts"
import { handleError, errorResponse } from "./error-handler.ts"
import { healthRoutes } from "./routes/health.ts"
import { collectionRoutes } from "./routes/collections.ts"
import { recordAuthRoutes } from "./routes/record-auth.ts"
import { recordAuthFlowRoutes } from "./routes/record-auth-flows.ts"
import { oauth2RedirectRoutes } from "./routes/oauth2-redirect.ts"
import { recordRoutes } from "./routes/records.ts"
import { realtimeRoutes } from "./routes/realtime.ts"
import { fileRoutes } from "./routes/files.ts"
import { dashboardRoutes } from "./routes/dashboard.ts"
import { customRoutes } from "./middleware/custom-routes.ts"
import { serveStatic } from "../files/index.ts"
import { settingsRoutes } from "./routes/settings.ts"
import { logRoutes } from "./routes/logs.ts"
import { cronRoutes } from "./routes/crons.ts"
import { backupRoutes } from "./routes/backups.ts"
import { requestLog } from "./middleware/request-log.ts"
import { accessLimits } from "./middleware/rate-limit.ts"
import { writeGate } from "./middleware/write-gate.ts"
import { batchRoutes } from "./routes/batch.ts"
import { realIp, remoteIp } from "./client-ip.ts"

/** Builds the Hono app serving the PocketBase-compatible API over `services`. */
export function buildHttp(services: Services): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>()
  app.use(globalHeaders)
  app.use(async (c, next) => {
    c.set("services", services)
    // Another process may have changed the settings since the last request (a batch's items share its look).
    if (!c.env?.batch) services.settings.refresh()
    const peer = remoteIp(c.req.raw, c.env)
    c.set("remoteIp", peer)
    c.set("clientIp", c.env?.batch?.clientIp ?? realIp(c.req.raw, peer, services.settings.get().trustedProxy))
    await next()
  })
  app.use(requestLog)
  app.use(bodyLimit)
  app.use(writeGate)
  app.use(resolveAuth)
  app.use(accessLimits)
  app.use(customRoutes)
  app.route("/api/health", healthRoutes)
  app.route("/api/realtime", realtimeRoutes)
  app.route("/api/collections", collectionRoutes)
  app.route("/api/collections", recordAuthRoutes)
  app.route("/api/collections", recordAuthFlowRoutes)
  app.route("/api/oauth2-redirect", oauth2RedirectRoutes)
  app.route("/api/collections", recordRoutes)
  app.route("/api/files", fileRoutes)
  app.route("/api/settings", settingsRoutes)
  app.route("/api/logs", logRoutes)
  app.route("/api/crons", cronRoutes)
  app.route("/api/backups", backupRoutes)
  app.route("/api/batch", batchRoutes((request, env) => app.fetch(request, env)))
  app.route("/", dashboardRoutes)
  // Unmatched GETs fall through to static-file serving (pb_public), as in PocketBase, hence its wording.
  app.notFound(async (c) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return errorResponse(notFound())
    const { publicDir, indexFallback } = services.config
    return publicDir ? serveStatic(publicDir, indexFallback, c.req.raw) : errorResponse(new ApiError(404, "File not found."))
  })
  app.onError((error) => handleError(error))
  return app
}
