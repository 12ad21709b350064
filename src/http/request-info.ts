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
  return { auth: c.get("auth"), context: c.env?.batch ? "batch" : "default", method: c.req.method.toUpperCase(), query: queryInfo(c.req.url), headers: headersInfo(c.req.raw.headers), body }
}

/** `@request.query` of a URL (or path with query): each key's first value. */
export function queryInfo(url: string): Record<string, string> {
  const query: Record<string, string> = {}
  const search = url.indexOf("?")
  if (search !== -1) for (const [key, value] of new URLSearchParams(url.slice(search + 1))) if (!(key in query)) query[key] = value
  return query
}

/** `@request.headers`: each header by its snake_case name. */
export function headersInfo(from: Headers): Record<string, string> {
  const headers: Record<string, string> = {}
  from.forEach((value, name) => {
    const key = headerKey(name)
    if (!(key in headers)) headers[key] = value
  })
  return headers
}
