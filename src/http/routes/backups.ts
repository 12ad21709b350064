/**
 * @module
 * The backups API: list, create, upload, delete and restore for superusers; download with a
 * superuser's file token (`?token=`), as PocketBase serves it.
 */
import { Hono, type MiddlewareHandler } from "hono"
import { ApiError, notFound } from "../../core/errors.ts"
import { formatDateTime } from "../../core/clock.ts"
import { isSuperuser } from "../../core/types.ts"
import { identifyToken } from "../../auth/identify.ts"
import { serveFile } from "../../files/index.ts"
import { parseBody, parseJsonObject } from "../body.ts"
import type { HttpEnv } from "../context.ts"
import { requireSuperuser } from "../guards.ts"

const superusersOnly: MiddlewareHandler<HttpEnv> = async (c, next) => {
  requireSuperuser(c.get("auth"))
  await next()
}

const invalidBody = () => new ApiError(400, "An error occurred while loading the submitted data.")

export const backupRoutes = new Hono<HttpEnv>()
  .get("/", superusersOnly, (c) =>
    c.json(c.get("services").backups.list().map((file) => ({ modified: formatDateTime(file.modified), key: file.key, size: file.size }))),
  )
  .post("/", superusersOnly, async (c) => {
    const { config, backups } = c.get("services")
    await backups.createFromForm(await parseJsonObject(c.req.raw, config.bodyLimit, invalidBody))
    return c.body(null, 204)
  })
  .post("/upload", superusersOnly, async (c) => {
    // PocketBase lifts the body limit for backup uploads.
    const body = await parseBody(c.req.raw, Number.MAX_SAFE_INTEGER, invalidBody)
    const file = body.kind === "form" ? body.value.get("file") : null
    await c.get("services").backups.upload(file instanceof File ? file : null)
    return c.body(null, 204)
  })
  .get("/:key", async (c) => {
    const services = c.get("services")
    const auth = identifyToken((c.req.query("token") ?? "").trim(), {
      findCollection: (id) => services.collections.find(id),
      findRecord: (collection, id) => services.records.findById(collection, id),
    }, { type: "file" })
    if (!isSuperuser(auth)) throw new ApiError(403, "Insufficient permissions to access the resource.")
    const key = c.req.param("key")
    const file = services.backups.files.open(key)
    if (!file) throw notFound()
    return serveFile(file, key, { method: c.req.method, download: c.req.query("download"), range: c.req.header("range") ?? null, ifModifiedSince: c.req.header("if-modified-since") ?? null })
  })
  .delete("/:key", superusersOnly, (c) => {
    c.get("services").backups.remove(c.req.param("key"))
    return c.body(null, 204)
  })
  .post("/:key/restore", superusersOnly, async (c) => {
    await c.get("services").backups.restore(c.req.param("key"))
    return c.body(null, 204)
  })
