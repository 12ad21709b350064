/**
 * @module
 * The backups API: list, create, upload, delete and restore for superusers; download with a
 * superuser's file token (`?token=`), as PocketBase serves it.
 */
import { Hono, type MiddlewareHandler } from "hono"
import { ApiError, notFound } from "../../core/errors.ts"
import { formatDateTime } from "../../core/clock.ts"
import { withFields } from "../fields.ts"
import { isSuperuser } from "../../core/types.ts"
import { serveFile } from "../../files/index.ts"
import { parseBody, parseJsonObject } from "../body.ts"
import type { HttpEnv } from "../context.ts"
import { requireSuperuser } from "../guards.ts"
import { fileTokenAuth, serveRequest } from "../file-download.ts"

const superusersOnly: MiddlewareHandler<HttpEnv> = async (c, next) => {
  requireSuperuser(c.get("auth"))
  await next()
}

const invalidBody = () => new ApiError(400, "An error occurred while loading the submitted data.")

export const backupRoutes = new Hono<HttpEnv>()
  .get("/", superusersOnly, async (c) => {
    const files = (await c.get("services").backups.list()).map((file) => ({ modified: formatDateTime(file.modified), key: file.key, size: file.size }))
    return c.json(withFields(files, c.req.query("fields")))
  })
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
    // A superuser's token from outside superuserIPs counts as none (fileTokenAuth), so 403 too.
    if (!isSuperuser(fileTokenAuth(c))) throw new ApiError(403, "Insufficient permissions to access the resource.")
    const key = c.req.param("key")
    const file = await services.backups.files.open(key)
    if (!file) throw notFound()
    return serveFile(file, key, serveRequest(c))
  })
  .delete("/:key", superusersOnly, async (c) => {
    await c.get("services").backups.remove(c.req.param("key"))
    return c.body(null, 204)
  })
  .post("/:key/restore", superusersOnly, async (c) => {
    await c.get("services").backups.restore(c.req.param("key"))
    return c.body(null, 204)
  })
