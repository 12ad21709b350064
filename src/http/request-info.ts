/**
 * @module
 * Builds the `@request.*` view of an HTTP request that rules and filters read.
 */
import type { Context } from "hono"
import { snakeCase } from "../core/snake-case.ts"
import type { RequestInfo } from "../core/types.ts"
import type { HttpEnv } from "./context.ts"

// Header names repeat across requests; their snake_case form is computed once.
const headerKeys = new Map<string, string>()
const HEADER_KEYS_MAX = 1_000

function headerKey(name: string): string {
  let key = headerKeys.get(name)
  if (key === undefined) {
    key = snakeCase(name)
    if (headerKeys.size < HEADER_KEYS_MAX) headerKeys.set(name, key)
  }
  return key
}

/** `@request.*` for this request; `body` is the resolved body (empty for reads). */
export function requestInfo(c: Context<HttpEnv>, body: Record<string, unknown> = {}): RequestInfo {
  const query: Record<string, string> = {}
  const url = c.req.url
  const search = url.indexOf("?")
  if (search !== -1) for (const [key, value] of new URLSearchParams(url.slice(search + 1))) if (!(key in query)) query[key] = value
  const headers: Record<string, string> = {}
  c.req.raw.headers.forEach((value, name) => {
    const key = headerKey(name)
    if (!(key in headers)) headers[key] = value
  })
  return { auth: c.get("auth"), context: c.env?.batch ? "batch" : "default", method: c.req.method.toUpperCase(), query, headers, body }
}
