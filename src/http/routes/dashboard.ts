/**
 * @module
 * The dashboard: `/_/` serves the built UI; `POST /api/dashboard/install` creates the first
 * superuser from the link `serve` prints (beyond PocketBase, which uses its own installer flow).
 */
import { Hono } from "hono"
import { DASHBOARD_DIST, dashboardFile, installFirstSuperuser, installTokenValid } from "../../dashboard/index.ts"
import { parseJsonObject } from "../body.ts"
import type { HttpEnv } from "../context.ts"

export const dashboardRoutes = new Hono<HttpEnv>()
  .get("/_", (c) => c.redirect("/_/", 301))
  .get("/_/*", async (c, next) => {
    const response = await dashboardFile(DASHBOARD_DIST, c.req.path.slice("/_/".length), c.req.header("accept-encoding") ?? "")
    return response ?? next()
  })
  .get("/api/dashboard/install/:token", (c) => c.json({ valid: installTokenValid(c.get("services"), c.req.param("token")) }))
  .post("/api/dashboard/install", async (c) => {
    const services = c.get("services")
    await installFirstSuperuser(services, await parseJsonObject(c.req.raw, services.config.bodyLimit))
    return c.body(null, 204)
  })
