/**
 * @module
 * What the file-serving routes (record files, backups) read from a download request: the
 * `?token=` file token's auth, and the serving options (method, `?download`, range, cache check).
 */
import type { Context } from "hono"
import { identifyToken } from "../auth/identify.ts"
import { isSuperuser, type AuthContext } from "../core/types.ts"
import { ipInList } from "../core/ip-list.ts"
import type { ServeRequest } from "../files/index.ts"
import type { HttpEnv } from "./context.ts"

/**
 * The record of the `?token=` file token, or null; downloads never use the Authorization header. A
 * superuser's token from outside `superuserIPs` (when any are set) counts as none, as in PocketBase.
 */
export function fileTokenAuth(c: Context<HttpEnv>): AuthContext | null {
  const services = c.get("services")
  const auth = identifyToken((c.req.query("token") ?? "").trim(), {
    findCollection: (id) => services.collections.find(id),
    findRecord: (collection, id) => services.records.findById(collection, id),
  }, { type: "file" })
  const allowedIps = services.settings.get().superuserIPs
  return isSuperuser(auth) && allowedIps.length > 0 && !ipInList(allowedIps, c.get("clientIp")) ? null : auth
}

/** The request's serving options for `serveFile`. */
export function serveRequest(c: Context<HttpEnv>): ServeRequest {
  return { method: c.req.method, download: c.req.query("download"), range: c.req.header("range") ?? null, ifModifiedSince: c.req.header("if-modified-since") ?? null }
}
