/**
 * @module
 * `GET|HEAD /api/health`: always 200; superusers also learn whether a backup can start, the client
 * IP as the trusted-proxy settings resolve it, and a header that suggests an unconfigured proxy.
 */
import { Hono } from "hono"
import { isSuperuser } from "../../core/types.ts"
import type { HttpEnv } from "../context.ts"

export const healthRoutes = new Hono<HttpEnv>().on(["GET", "HEAD"], "/", (c) => {
  const { backups, settings } = c.get("services")
  const data = isSuperuser(c.get("auth"))
    ? { canBackup: backups.active === null, realIP: c.get("clientIp"), possibleProxyHeader: possibleProxyHeader(c.req.raw, settings.get().trustedProxy.headers) }
    : {}
  return c.json({ message: "API is healthy.", code: 200, data })
})

// PocketBase's list also names X-Forwarded-For, spelled with a non-ASCII hyphen that never matches.
const COMMON_PROXY_HEADERS = ["CF-Connecting-IP", "Fly-Client-IP"]

function possibleProxyHeader(request: Request, trusted: readonly string[]): string {
  for (const header of [...trusted, ...COMMON_PROXY_HEADERS]) {
    try {
      if (request.headers.get(header)) return header
    } catch {
      // not a valid header name
    }
  }
  return ""
}
