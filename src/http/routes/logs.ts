/**
 * @module
 * The logs API (superusers only): list and view entries, hourly stats, delete all.
 */
import { Hono } from "hono"
import { ApiError, notFound } from "../../core/errors.ts"
import { isFilterError } from "../../filter/index.ts"
import { listEnvelope, parseListParams } from "../../records/list-params.ts"
import { pickResponse } from "../../records/pick-fields.ts"
import type { HttpEnv } from "../context.ts"
import { requireSuperuser } from "../guards.ts"

// A bad filter or sort is PocketBase's generic 400 on the list, a worded one on the stats.
const asBadRequest = (error: unknown, message?: string): never => {
  if (isFilterError(error)) throw new ApiError(400, message ?? "Something went wrong while processing your request.", {}, { cause: error })
  throw error
}

export const logRoutes = new Hono<HttpEnv>()
  .use(async (c, next) => {
    requireSuperuser(c.get("auth"))
    await next()
  })
  .get("/", async (c) => {
    const params = parseListParams((key) => c.req.query(key))
    const options = { filter: params.filter, sort: params.sort, limit: params.perPage, offset: (params.page - 1) * params.perPage, withTotal: !params.skipTotal }
    let page
    try {
      page = await c.get("services").logs.list(options)
    } catch (error) {
      return asBadRequest(error)
    }
    return c.json(pickResponse(listEnvelope(params, page.items, page.total), c.req.query("fields")))
  })
  .delete("/", async (c) => {
    await c.get("services").logs.truncate()
    return c.body(null, 204)
  })
  .get("/stats", async (c) => {
    try {
      return c.json(await c.get("services").logs.stats(c.req.query("filter") ?? ""))
    } catch (error) {
      return asBadRequest(error, "Invalid filter format.")
    }
  })
  .get("/:id", async (c) => {
    const entry = await c.get("services").logs.find(c.req.param("id"))
    if (!entry) throw notFound()
    return c.json(pickResponse(entry, c.req.query("fields")))
  })
