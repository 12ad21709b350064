/**
 * @module
 * `GET /api/realtime` opens the SSE stream; `POST /api/realtime` replaces a client's subscriptions.
 */
import { Hono } from "hono"
import { ApiError, badRequest } from "../../core/errors.ts"
import { RealtimeConnectRequestEvent } from "../../hooks/index.ts"
import { openStream } from "../../realtime/index.ts"
import { parseBody, readLimited, type ParsedBody } from "../body.ts"
import type { HttpEnv } from "../context.ts"
import { requireSuperuser } from "../guards.ts"

export const realtimeRoutes = new Hono<HttpEnv>()
  .get("/", async (c) => {
    const { config, realtime, hooks } = c.get("services")
    // Bun ends responses quiet for 10 s; the stream's own idle and lifetime timers bound it instead.
    c.env.server?.timeout(c.req.raw, 0)
    const ip = c.get("clientIp")
    const client = realtime.hub.createClient()
    let stream: Response | null = null
    await hooks.onRealtimeConnectRequest.trigger(new RealtimeConnectRequestEvent(client, ip), () => {
      stream = openStream(realtime.hub, {
        ip,
        client,
        heartbeatMs: config.realtimeHeartbeat * 1000,
        idleTimeoutMs: config.realtimeIdleTimeout * 1000,
        maxLifetimeMs: config.realtimeMaxLifetime * 1000,
        signal: c.req.raw.signal,
      })
    })
    return stream ?? c.body(null, 204)
  })
  .post("/", async (c) => {
    const { config, realtime } = c.get("services")
    const parsed = await bindBody(c.req.raw, config.bodyLimit)
    const body = parsed.kind === "json"
      ? parsed.value
      : { clientId: parsed.value.get("clientId"), subscriptions: parsed.value.getAll("subscriptions") }
    await realtime.subscribe({ body, ip: c.get("clientIp"), auth: c.get("auth") })
    return c.body(null, 204)
  })
  // Beyond PocketBase: presence and counters across every process, for superusers.
  .get("/clients", async (c) => {
    requireSuperuser(c.get("auth"))
    const clients = await c.get("services").realtime.clients()
    return c.json({ totalItems: clients.length, items: clients })
  })
  .get("/stats", async (c) => {
    requireSuperuser(c.get("auth"))
    return c.json(await c.get("services").realtime.stats())
  })

// PocketBase answers every bind failure here (unsupported or missing type, unreadable form) with
// its generic 400 and empty data; only the body limit keeps its own status. A JSON `null` binds
// nothing (Go leaves the struct as it was), so validation reports the blank clientId.
async function bindBody(request: Request, limit: number): Promise<ParsedBody> {
  const bytes = await readLimited(request, limit)
  const type = request.headers.get("content-type") ?? ""
  if (bytes.byteLength > 0 && type === "") throw badRequest()
  if (type.toLowerCase().startsWith("application/json") && new TextDecoder().decode(bytes).trim() === "null") return { kind: "json", value: {} }
  // PocketBase binds XML bodies too; none of its fields come from XML in practice (the SDK sends
  // JSON), so an XML body binds nothing and validation reports the blank clientId.
  if (/^(text|application)\/xml/i.test(type)) return { kind: "json", value: {} }
  try {
    return await parseBody(new Request(request.url, { method: "POST", headers: request.headers, body: bytes }), limit)
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) throw new ApiError(400, badRequest().message, {}, { cause: error })
    throw error
  }
}
