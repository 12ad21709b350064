/**
 * @module
 * Builds the `@request.*` view of an HTTP request that rules and filters read.
 */
import type { Context } from "hono"
import { snakeCase } from "../core/snake-case.ts"
import type { RequestInfo } from "../core/types.ts"
import type { HttpEnv } from "./context.ts"

/** `@request.*` for this request; `body` is the resolved body (empty for reads). */
export function requestInfo(c: Context<HttpEnv>, body: Record<string, unknown> = {}): RequestInfo {
  const query: Record<string, string> = {}
  for (const [key, value] of new URL(c.req.url).searchParams) if (!(key in query)) query[key] = value
  const headers: Record<string, string> = {}
  c.req.raw.headers.forEach((value, name) => {
    const key = snakeCase(name)
    if (!(key in headers)) headers[key] = value
  })
  return { auth: c.get("auth"), context: c.env?.batch ? "batch" : "default", method: c.req.method.toUpperCase(), query, headers, body }
}
