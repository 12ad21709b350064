/**
 * @module
 * Subscription keys: parsing the `?options=` suffix into query/headers, and the candidate
 * bases a record event reaches. Pure; no client or hub state.
 */
import { formatFloat } from "../core/numbers.ts"
import { snakeCase } from "../core/snake-case.ts"

export { snakeCase }

/** Parsed `options` of one subscription; every value is already a string. */
export interface SubscriptionOptions {
  query: Record<string, string>
  /** Header names in lower snake_case (`X-Token` → `x_token`). */
  headers: Record<string, string>
}

/** One subscription as stored on a client, keyed by its raw string. */
export interface Subscription {
  /** The key exactly as submitted; it is also the SSE event name. */
  raw: string
  /** `raw` up to its first `?`: what record-event candidate prefixes are looked up by. */
  base: string
  options: SubscriptionOptions
  /** Canonical (key-sorted) JSON of `options`: equal options give equal keys, for fan-out grouping. */
  optionsKey: string
}

/** Which collection rule guards a matched subscription: `<col>/<id>` uses view, `<col>/*` and `<col>` use list. */
export type RuleKind = "list" | "view"

/** A prefix a subscription key must start with (after appending `?`) to receive a record event. */
export interface Candidate {
  prefix: string
  /** `prefix` without its trailing `?`, i.e. the subscription `base` it matches. */
  base: string
  kind: RuleKind
}

const EMPTY_OPTIONS_KEY = '{"headers":{},"query":{}}'

/**
 * Parses a raw subscription key into its stored form. Bad URLs, bad escapes and bad JSON all
 * leave the options empty, as PocketBase ignores those errors.
 * @example parseSubscription('test2?options={"query":{"name":123}}').options.query // {name: "123"}
 */
export function parseSubscription(raw: string): Subscription {
  const options = parseOptions(raw)
  const optionsKey =
    options === null ? EMPTY_OPTIONS_KEY : JSON.stringify({ headers: sortKeys(options.headers), query: sortKeys(options.query) })
  return { raw, base: baseOf(raw), options: options ?? { query: {}, headers: {} }, optionsKey }
}

/** The part of a key before its first `?` (the whole key if it has none). */
export function baseOf(key: string): string {
  const q = key.indexOf("?")
  return q === -1 ? key : key.slice(0, q)
}

function parseOptions(raw: string): SubscriptionOptions | null {
  const rawOptions = firstQueryValue(raw, "options")
  if (rawOptions === null || rawOptions === "") return null
  let parsed: unknown
  try {
    parsed = JSON.parse(rawOptions)
  } catch {
    return null
  }
  if (!isPlainObject(parsed)) return null
  const { query, headers } = parsed
  // A present but non-object `query`/`headers` is a decode error in PocketBase, which empties everything.
  if ((query != null && !isPlainObject(query)) || (headers != null && !isPlainObject(headers))) return null
  const out: SubscriptionOptions = { query: {}, headers: {} }
  for (const [k, v] of Object.entries(query ?? {})) out.query[k] = stringifyOptionValue(v)
  for (const [k, v] of Object.entries(headers ?? {})) out.headers[snakeCase(k)] = stringifyOptionValue(v)
  return out
}

/**
 * The first form-decoded value of `name` in the topic's query string, or null. Mirrors a
 * relative-URL parse: a fragment ends the query, and a topic that is not a valid URL (control
 * characters, a broken `%` escape before the query) yields nothing. Pairs with bad escapes or `;`
 * are skipped, as Go's query parser does.
 */
function firstQueryValue(raw: string, name: string): string | null {
  // Control characters make the whole URL invalid.
  if (/[\x00-\x1f\x7f]/.test(raw)) return null
  const hash = raw.indexOf("#")
  const url = hash === -1 ? raw : raw.slice(0, hash)
  const q = url.indexOf("?")
  if (q === -1) return null
  if (/%(?![0-9A-Fa-f]{2})/.test(url.slice(0, q))) return null
  for (const pair of url.slice(q + 1).split("&")) {
    if (pair === "" || pair.includes(";")) continue
    const eq = pair.indexOf("=")
    const key = formDecode(eq === -1 ? pair : pair.slice(0, eq))
    const value = formDecode(eq === -1 ? "" : pair.slice(eq + 1))
    if (key === null || value === null) continue
    if (key === name) return value
  }
  return null
}

function formDecode(text: string): string | null {
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return null
  try {
    return decodeURIComponent(text.replaceAll("+", " "))
  } catch {
    return null
  }
}

/**
 * Converts an options value to the string rules see: strings as-is, numbers in plain decimal
 * (never exponent form, like Go's `FormatFloat(f, 'f', -1, 64)`), booleans as `true`/`false`,
 * everything else (null, arrays, objects) as `""`.
 */
export function stringifyOptionValue(value: unknown): string {
  if (typeof value === "string") return value
  if (typeof value === "boolean") return value ? "true" : "false"
  if (typeof value === "number") return formatFloat(value)
  return ""
}

/**
 * The candidate prefixes for a record event, duplicates removed (a collection whose
 * name equals its id). View-rule prefixes come first.
 */
export function recordEventCandidates(collection: { id: string; name: string }, recordId: string): Candidate[] {
  const out: Candidate[] = []
  const seen = new Set<string>()
  const add = (base: string, kind: RuleKind) => {
    if (seen.has(base)) return
    seen.add(base)
    out.push({ prefix: `${base}?`, base, kind })
  }
  add(`${collection.name}/${recordId}`, "view")
  add(`${collection.id}/${recordId}`, "view")
  add(`${collection.name}/*`, "list")
  add(`${collection.id}/*`, "list")
  add(collection.name, "list")
  add(collection.id, "list")
  return out
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

function sortKeys(map: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of Object.keys(map).sort()) out[k] = map[k]!
  return out
}
