/**
 * @module
 * Hands each request to the app's custom routes and global middlewares first (`routerAdd`,
 * `routerUse`, `app.routes`); the built-in API is the last step of their chain.
 */
import type { MiddlewareHandler } from "hono"
import { parseBody } from "../body.ts"
import type { HttpEnv } from "../context.ts"

// JSON objects as they are, form fields as text (the last value of a repeated key wins).
async function bodyValues(request: Request, limit: number): Promise<Record<string, unknown>> {
  if (request.method === "GET" || request.method === "HEAD" || !request.body) return {}
  const parsed = await parseBody(request, limit)
  if (parsed.kind === "json") return parsed.value
  const values: Record<string, unknown> = {}
  parsed.value.forEach((value, key) => void (values[key] = value))
  return values
}

export const customRoutes: MiddlewareHandler<HttpEnv> = async (c, next) => {
  const { routes, config } = c.get("services")
  if (routes.isEmpty) return next()
  let passedOn = false
  const input = { request: c.req.raw, auth: c.get("auth"), ip: c.get("clientIp"), body: () => bodyValues(c.req.raw, config.bodyLimit) }
  const answer = await routes.dispatch(input, async () => {
    passedOn = true
    await next()
    return c.res
  })
  if (answer === null) return next()
  if (!passedOn) return answer
  if (answer !== c.res) c.res = answer
}
