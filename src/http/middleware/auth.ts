/**
 * @module
 * Puts the request's auth context (or null for guests) on the Hono context.
 */
import type { MiddlewareHandler } from "hono"
import { identify } from "../../auth/identify.ts"
import { tokenFromAuthorization } from "../../auth/authorization.ts"
import type { HttpEnv } from "../context.ts"

export const resolveAuth: MiddlewareHandler<HttpEnv> = async (c, next) => {
  const services = c.get("services")
  const token = tokenFromAuthorization(c.req.header("authorization"))
  c.set("auth", identify(token, {
    findCollection: (id) => services.collections.find(id),
    findRecord: (collection, id) => services.records.findById(collection, id),
  }))
  await next()
}
