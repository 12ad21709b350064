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
import { handleError, errorResponse } from "./error-handler.ts"
import { healthRoutes } from "./routes/health.ts"
import { collectionRoutes } from "./routes/collections.ts"
import { recordAuthRoutes } from "./routes/record-auth.ts"
import { recordRoutes } from "./routes/records.ts"
import { realtimeRoutes } from "./routes/realtime.ts"
import { fileRoutes } from "./routes/files.ts"
import { customRoutes } from "./middleware/custom-routes.ts"
import { serveStatic } from "../files/index.ts"

/** Builds the Hono app serving the PocketBase-compatible API over `services`. */
export function buildHttp(services: Services): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>()
  app.use(globalHeaders)
  app.use(async (c, next) => {
    c.set("services", services)
    await next()
  })
  app.use(resolveAuth)
  app.use(customRoutes)
  app.route("/api/health", healthRoutes)
  app.route("/api/realtime", realtimeRoutes)
  app.route("/api/collections", collectionRoutes)
  app.route("/api/collections", recordAuthRoutes)
  app.route("/api/collections", recordRoutes)
  app.route("/api/files", fileRoutes)
  // Unmatched GETs fall through to static-file serving (pb_public), as in PocketBase, hence its wording.
  app.notFound(async (c) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return errorResponse(notFound())
    const { publicDir, indexFallback } = services.config
    return publicDir ? serveStatic(publicDir, indexFallback, c.req.raw) : errorResponse(new ApiError(404, "File not found."))
  })
  app.onError((error) => handleError(error))
  return app
}
