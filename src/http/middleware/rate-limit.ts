/**
 * @module
 * Per-request access limits from the settings: superuser requests from outside
 * `settings.superuserIPs` are refused (403), and `settings.rateLimits` answers 429 past a limit.
 */
import type { MiddlewareHandler } from "hono"
import { forbidden, tooManyRequests } from "../../core/errors.ts"
import { ipInList } from "../../core/ip-list.ts"
import { isSuperuser, type AuthContext } from "../../core/types.ts"
import type { Services } from "../../services.ts"
import type { HttpEnv } from "../context.ts"

export const accessLimits: MiddlewareHandler<HttpEnv> = async (c, next) => {
  const checked = checkAccessLimits(c.get("services"), { method: c.req.method, path: c.req.path, ip: c.get("clientIp"), auth: c.get("auth") })
  if (checked) await checked
  await next()
}

/** Throws the 403 or 429 a request is refused with (a batch checks each of its items). */
export function checkAccessLimits(services: Services, request: { method: string; path: string; ip: string; auth: AuthContext | null }): Promise<void> | void {
  const { settings, rateLimits } = services
  const { method, path, ip, auth } = request
  const superuser = isSuperuser(auth)
  const allowedIps = settings.get().superuserIPs
  if (superuser && allowedIps.length > 0 && !ipInList(allowedIps, ip)) throw forbidden()
  const decision = rateLimits.allow({ method, path, ip, authenticated: auth !== null, superuser })
  // Only Redis-backed counting is asynchronous; the usual answer needs no extra turn of the loop.
  if (typeof decision !== "boolean") return decision.then((allowed) => void (allowed || refuse()))
  if (!decision) refuse()
}

const refuse = (): never => {
  throw tooManyRequests()
}
