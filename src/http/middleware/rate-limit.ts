/**
 * @module
 * Per-request access limits from the settings: superuser requests from outside
 * `settings.superuserIPs` are refused (403), and `settings.rateLimits` answers 429 past a limit.
 */
import type { MiddlewareHandler } from "hono"
import { forbidden, tooManyRequests } from "../../core/errors.ts"
import { ipInList } from "../../core/ip-list.ts"
import { isSuperuser } from "../../core/types.ts"
import type { HttpEnv } from "../context.ts"

export const accessLimits: MiddlewareHandler<HttpEnv> = async (c, next) => {
  const { settings, rateLimits } = c.get("services")
  const auth = c.get("auth")
  const superuser = isSuperuser(auth)
  const ip = c.get("clientIp")
  const allowedIps = settings.get().superuserIPs
  if (superuser && allowedIps.length > 0 && !ipInList(allowedIps, ip)) throw forbidden()
  const allowed = await rateLimits.allow({ method: c.req.method, path: c.req.path, ip, authenticated: auth !== null, superuser })
  if (!allowed) throw tooManyRequests()
  await next()
}
