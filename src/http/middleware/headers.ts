/**
 * @module
 * PocketBase's global response headers: security headers on every answer and permissive CORS
 * (allowed origin `*`), with every OPTIONS request answered 204.
 */
import type { MiddlewareHandler } from "hono"
import type { HttpEnv } from "../context.ts"

const SECURITY_HEADERS: Record<string, string> = {
  "X-XSS-Protection": "1; mode=block",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "SAMEORIGIN",
}

export const globalHeaders: MiddlewareHandler<HttpEnv> = async (c, next) => {
  const origin = c.req.header("origin")
  // Every OPTIONS request is answered here, as PocketBase's CORS middleware does: 204, with the
  // preflight headers when an Origin is named.
  if (c.req.method === "OPTIONS") {
    const headers = new Headers({ Vary: "Origin" })
    if (origin) {
      headers.set("Access-Control-Allow-Origin", "*")
      headers.set("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")
      headers.set("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
      const requested = c.req.header("access-control-request-headers")
      if (requested) headers.set("Access-Control-Allow-Headers", requested)
    }
    return new Response(null, { status: 204, headers })
  }
  await next()
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (name === "X-Frame-Options" && c.get("allowFraming")) continue
    c.res.headers.set(name, value)
  }
  if (origin) {
    c.res.headers.set("Access-Control-Allow-Origin", "*")
    c.res.headers.append("Vary", "Origin")
  }
}
