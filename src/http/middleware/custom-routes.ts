/**
 * @module
 * Hands each request to the app's custom routes and global middlewares first (`routerAdd`,
 * `routerUse`, `app.routes`); the built-in API is the last step of their chain.
 */
import type { MiddlewareHandler } from "hono"
import { parseBody, readLimited } from "../body.ts"
import type { HttpEnv } from "../context.ts"

// The body as text (for `e.request.body`) and as values: JSON objects as they are, form fields as
// text (the last value of a repeated key wins); a body that is neither gives no values.
async function readRouteBody(request: Request, limit: number): Promise<{ raw: string; values: Record<string, unknown> }> {
  if (request.method === "GET" || request.method === "HEAD" || !request.body) return { raw: "", values: {} }
  const bytes = await readLimited(request, limit)
  const raw = new TextDecoder().decode(bytes)
  try {
    const parsed = await parseBody(new Request(request.url, { method: request.method, headers: request.headers, body: bytes }), limit)
    if (parsed.kind === "json") return { raw, values: parsed.value }
    const values: Record<string, unknown> = {}
    parsed.value.forEach((value, key) => void (values[key] = value))
    return { raw, values }
  } catch {
    return { raw, values: {} }
  }
}

export const customRoutes: MiddlewareHandler<HttpEnv> = async (c, next) => {
  const { routes, config } = c.get("services")
  if (routes.isEmpty) return next()
  let passedOn = false
  const input = { request: c.req.raw, auth: c.get("auth"), ip: c.get("clientIp"), body: () => readRouteBody(c.req.raw, config.bodyLimit) }
  const answer = await routes.dispatch(input, async () => {
    passedOn = true
    await next()
    return c.res
  })
  if (answer === null) return next()
  if (!passedOn) return answer
  if (answer !== c.res) c.res = answer
}
