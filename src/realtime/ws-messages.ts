/**
 * @module
 * The WebSocket transport's message shapes: parsing what a client sends, turning dotted topic
 * patterns (`posts.*`, `posts.<id>`, `*`) into the hub's subscription keys, and turning a queued
 * SSE frame tail into the JSON a WebSocket client reads. Pure functions; no sockets here.
 */
import type { ErrorData } from "../core/errors.ts"
import type { Collection } from "../core/types.ts"
import { PB_RESUME } from "./sse.ts"
import { baseOf } from "./topics.ts"

/** What a client may send. */
export type IncomingMessage =
  | { type: "auth"; token: string }
  | { type: "subscribe"; subscriptions: unknown; lastEventId: string | null }
  | { type: "ping" }

/** Parses one incoming text frame; null when it is not one of the known messages. */
export function parseIncoming(text: string | Buffer): IncomingMessage | null {
  let value: unknown
  try {
    value = JSON.parse(typeof text === "string" ? text : text.toString("utf8"))
  } catch {
    return null
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null
  const message = value as Record<string, unknown>
  switch (message.type) {
    case "auth":
      if (message.token != null && typeof message.token !== "string") return null
      return { type: "auth", token: ((message.token as string | null | undefined) ?? "").trim() }
    case "subscribe": {
      const cursor = message.lastEventId
      if (cursor != null && typeof cursor !== "string" && typeof cursor !== "number") return null
      return { type: "subscribe", subscriptions: message.subscriptions, lastEventId: cursor == null ? null : String(cursor) }
    }
    case "ping":
      return { type: "ping" }
    default:
      return null
  }
}

/** The JSON of an `error` message, shaped as the REST error body plus `type`. */
export function errorMessage(status: number, message: string, data: ErrorData = {}): string {
  return JSON.stringify({ type: "error", status, message, data })
}

/** Who may see which collections, for expanding `*`. */
export interface PatternScope {
  collections: readonly Collection[]
  superuser: boolean
}

/**
 * Expands one requested topic into hub subscription keys, each mapped to the topic the client
 * asked for (the `topic` its events carry). `posts.*` → `posts/*`, `posts.<id>` → `posts/<id>`
 * when `posts` names a collection; `*` → `<name>/*` for every non-system collection the client
 * could ever list (superusers: every collection). Anything else is kept as is (record or custom topic).
 */
export function expandTopic(requested: string, scope: PatternScope): Array<[key: string, topic: string]> {
  const base = baseOf(requested)
  const suffix = requested.slice(base.length)
  if (base === "*") {
    return scope.collections
      .filter((collection) => collection.type !== "view" && (scope.superuser || (!collection.system && collection.listRule !== null)))
      .map((collection) => [`${collection.name}/*${suffix}`, requested])
  }
  const dot = base.indexOf(".")
  if (dot <= 0 || base.includes("/")) return [[requested, requested]]
  const name = base.slice(0, dot)
  const rest = base.slice(dot + 1)
  const known = scope.collections.some((collection) => collection.name === name || collection.id === name)
  if (!known || rest === "") return [[requested, requested]]
  return [[`${name}/${rest}${suffix}`, requested]]
}

const decoder = new TextDecoder()
const ID_PREFIX = "id:"
const EVENT_PREFIX = "\nevent:"
const DATA_PREFIX = "\ndata:"
const RECORD_ACTIONS = new Set(["create", "update", "delete"])

/** A queued frame tail (`[id:CURSOR]\nevent:NAME\ndata:DATA\n\n`) split back into its parts. */
export function decodeFrameTail(tail: Uint8Array): { id: string | undefined; name: string; data: string } {
  const text = decoder.decode(tail)
  const eventAt = text.indexOf(EVENT_PREFIX)
  const dataAt = text.indexOf(DATA_PREFIX, eventAt)
  return {
    id: text.startsWith(ID_PREFIX) ? text.slice(ID_PREFIX.length, eventAt) : undefined,
    name: text.slice(eventAt + EVENT_PREFIX.length, dataAt),
    data: text.slice(dataAt + DATA_PREFIX.length, text.length - 2),
  }
}

/**
 * The WebSocket message for one hub message: `record_event` for a record change (its data is
 * `{record, action}` of a record of the topic's collection), `message` for a custom one, `resume`
 * for the outcome of a resume. `id` is the event's resume cursor, when it has one.
 */
export function socketMessage(topic: string, data: string, id?: string, now: Date = new Date()): string {
  const cursor = id === undefined ? {} : { id }
  if (topic === PB_RESUME) return JSON.stringify({ type: "resume", ...(JSON.parse(data) as object), ...cursor })
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch {
    parsed = undefined
  }
  const change = parsed as { action?: unknown; record?: { collectionName?: unknown } } | undefined
  const collection = change?.record?.collectionName
  if (typeof change?.action === "string" && RECORD_ACTIONS.has(change.action) && typeof collection === "string") {
    return JSON.stringify({ type: "record_event", topic, collection, action: change.action, record: change.record, timestamp: now.toISOString(), ...cursor })
  }
  return JSON.stringify({ type: "message", topic, data: parsed ?? null, ...cursor })
}
