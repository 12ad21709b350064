/**
 * @module
 * Static lookups into `@request.*` values: walking nested maps and arrays, and the token
 * fields of `@request.auth` that need no database access.
 */
import type { RequestInfo } from "../core/types.ts"

/** Result of walking a path: `found` is false when some segment is missing. */
export interface Lookup {
  found: boolean
  value: unknown
}

const MISSING: Lookup = { found: false, value: undefined }

/** Walks `segments` through plain objects (own keys) and arrays (integer indexes). */
export function walkValue(root: unknown, segments: readonly string[]): Lookup {
  let current = root
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment) || Number(segment) >= current.length) return MISSING
      current = current[Number(segment)]
    } else if (current !== null && typeof current === "object" && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment]
    } else {
      return MISSING
    }
  }
  return { found: true, value: current }
}

/** `@request.auth` fields that come from the token's record itself, without a join. */
export const AUTH_TOKEN_FIELDS = new Set(["id", "collectionId", "collectionName", "email", "emailVisibility", "verified"])

/** The value of a token field of `@request.auth` (undefined for guests). */
export function authTokenValue(request: RequestInfo | null, field: string): unknown {
  const auth = request?.auth
  if (!auth) return undefined
  switch (field) {
    case "collectionId":
      return auth.collection.id
    case "collectionName":
      return auth.collection.name
    case "emailVisibility":
    case "verified":
      return Boolean(auth.record[field])
    default:
      return auth.record[field]
  }
}

/** The root object of `@request.<kind>` as seen by `:isset` and nested walks. */
export function requestRoot(request: RequestInfo | null, kind: string): unknown {
  if (!request) return undefined
  switch (kind) {
    case "query":
      return request.query
    case "headers":
      return request.headers
    case "body":
      return request.body
    case "auth":
      return request.auth
        ? { ...request.auth.record, collectionId: request.auth.collection.id, collectionName: request.auth.collection.name }
        : undefined
    default:
      return undefined
  }
}

/** Lookup of `@request.<segments>` for the static kinds (context, method, query, headers, body, auth token values). */
export function lookupRequest(request: RequestInfo | null, segments: readonly string[]): Lookup {
  if (!request) return MISSING
  const [kind, ...rest] = segments
  if (kind === "context" || kind === "method") {
    return rest.length === 0 ? { found: true, value: request[kind] } : MISSING
  }
  if (kind === "auth" && rest.length === 1 && AUTH_TOKEN_FIELDS.has(rest[0]!)) {
    return request.auth ? { found: true, value: authTokenValue(request, rest[0]!) } : MISSING
  }
  const root = requestRoot(request, kind ?? "")
  if (root === undefined || (kind === "auth" && rest.length === 0)) return MISSING
  return walkValue(root, rest)
}

/** Normalises a submitted select/relation/file value to its list of items. */
export function toItemList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === "") return []
  return Array.isArray(value) ? value : [value]
}
