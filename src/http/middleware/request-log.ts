/**
 * @module
 * Logs every request once it has been answered (the entry is queued; the logger writes batches
 * later). Successful reads of the logs API itself are not logged, as in PocketBase.
 */
import type { MiddlewareHandler } from "hono"
import { ApiError } from "../../core/errors.ts"
import type { HttpEnv } from "../context.ts"

export const requestLog: MiddlewareHandler<HttpEnv> = async (c, next) => {
  // A batch is logged once, as the batch request.
  if (c.env?.batch) return next()
  const started = performance.now()
  await next()
  const { logs } = c.get("services")
  const status = c.res.status
  if (status < 400 && c.req.path.startsWith("/api/logs")) return
  // The path and query as received (the URL's part after its origin), as PocketBase logs them.
  const href = c.req.url
  const url = href.slice(href.indexOf("/", href.indexOf("//") + 2))
  const auth = c.get("auth")
  const error = c.error instanceof ApiError ? { message: c.error.message, details: Object.keys(c.error.data).length > 0 ? c.error.data : null } : c.error ? { message: c.error.message, details: null } : undefined
  logs.logRequest({
    method: c.req.method,
    url,
    status,
    execTimeMs: performance.now() - started,
    authCollection: auth?.collection.name ?? "",
    authId: String(auth?.record.id ?? ""),
    userIP: c.get("clientIp"),
    remoteIP: c.get("remoteIp"),
    referer: c.req.header("referer") ?? "",
    userAgent: c.req.header("user-agent") ?? "",
    error,
  })
}
