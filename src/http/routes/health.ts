/**
 * @module
 * `GET|HEAD /api/health`: always 200; superusers also learn the request's address details.
 */
import { Hono } from "hono"
import { isSuperuser } from "../../core/types.ts"
import type { HttpEnv } from "../context.ts"

export const healthRoutes = new Hono<HttpEnv>().on(["GET", "HEAD"], "/", (c) => {
  const data = isSuperuser(c.get("auth"))
    ? { canBackup: true, realIP: c.req.header("x-real-ip") ?? "127.0.0.1", possibleProxyHeader: "" }
    : {}
  return c.json({ message: "API is healthy.", code: 200, data })
})
