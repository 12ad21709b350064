/**
 * @module
 * Every request passes the write gate shared, so a running batch (which holds it exclusive, see
 * src/batch/runner.ts) has the main connection to itself. The batch route and the batch's own
 * internal requests do not take it.
 */
import type { MiddlewareHandler } from "hono"
import type { HttpEnv } from "../context.ts"

export const writeGate: MiddlewareHandler<HttpEnv> = async (c, next) => {
  if (c.env?.batch || c.req.path.startsWith("/api/batch")) return next()
  const gate = c.get("services").writeGate
  const entering = gate.enterShared()
  if (entering) await entering
  try {
    await next()
  } finally {
    gate.leaveShared()
  }
}
