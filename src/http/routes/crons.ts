/**
 * @module
 * The crons API (superusers only): list the registered jobs, run one now.
 */
import { Hono } from "hono"
import { ApiError } from "../../core/errors.ts"
import type { HttpEnv } from "../context.ts"
import { requireSuperuser } from "../guards.ts"

export const cronRoutes = new Hono<HttpEnv>()
  .use(async (c, next) => {
    requireSuperuser(c.get("auth"))
    await next()
  })
  .get("/", (c) => c.json(c.get("services").cron.jobs()))
  .post("/:id", (c) => {
    // The job runs in the background; the answer does not wait for it (as in PocketBase).
    if (!c.get("services").cron.runNow(c.req.param("id"))) throw new ApiError(404, "Missing or invalid cron job.")
    return c.body(null, 204)
  })
