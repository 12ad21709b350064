/**
 * @module
 * Record event fan-out: which subscriptions an event reaches, one access decision and
 * one rendered payload per group of equivalent subscribers, and the shared frame bytes.
 *
 * Grouping: subscribers that share (rule kind, bound auth identity, canonical options) get the
 * same verdict, so `canSee` runs once per group, never once per client. The rendered record
 * depends on (auth, options) only, so `render` and JSON encoding run once per that pair, and the
 * frame tail once per (event name, payload). Each client then writes its own `id:` head plus the
 * shared tail bytes.
 */
import type { Collection, RecordData, RequestInfo } from "../core/types.ts"
import type { Client } from "./client.ts"
import { isPromiseLike } from "./delivery-queue.ts"
import { encodeFrameTail } from "./sse.ts"
import { recordEventCandidates, type RuleKind, type SubscriptionOptions } from "./topics.ts"

/** What happened to the record. */
export type RecordAction = "create" | "update" | "delete"

/** A committed record change. For deletes, `record` is the row as it was before deletion. */
export interface RecordEvent {
  action: RecordAction
  collection: Collection
  /** The raw stored row (auth collections: including `tokenKey`, which auth maintenance compares). */
  record: RecordData
}

/**
 * The records layer's answer to "may this subscriber see this record, and as what JSON?".
 * Either method may be sync (in-memory rules) or async (SQL); throwing or rejecting denies.
 */
export interface RecordAccess {
  /**
   * Whether `info.auth` may see `record` through the collection's `kind` rule, with the
   * subscription's `info.query.filter` also applied (restricted mode; superusers skip only the rule).
   */
  canSee(kind: RuleKind, collection: Collection, record: RecordData, info: RequestInfo): boolean | Promise<boolean>
  /** The record JSON for this subscriber: visibility (hidden fields, email), `expand` and `fields` applied. */
  render(collection: Collection, record: RecordData, info: RequestInfo): unknown | Promise<unknown>
}

/** Subscribers sharing one verdict. */
export interface FanoutGroup {
  kind: RuleKind
  info: RequestInfo
  /** Identifies (auth, options): groups with equal keys share one rendered payload. */
  renderKey: string
  /** Each member is one (client, matching subscription key); the key is the event name. */
  members: Array<{ client: Client; name: string }>
}

/** Decided deliveries: groups that passed, each with its payload JSON. */
export type FanoutPlan = Array<{ group: FanoutGroup; data: string }>

/** Identity used for grouping: guests share one, auth records are told apart by collection and id. */
function authKey(client: Client): string {
  const auth = client.auth
  return auth === null ? "" : `${auth.collection.id}/${String(auth.record.id)}`
}

function realtimeInfo(client: Client, options: SubscriptionOptions): RequestInfo {
  return { auth: client.auth, context: "realtime", method: "GET", query: options.query, headers: options.headers, body: {} }
}

/**
 * Groups every (client, subscription) the event reaches. Synchronous, so the auth each client
 * has *now* is what later decisions use (deletes are grouped before auth maintenance demotes).
 */
export function groupSubscribers(clients: Iterable<Client>, event: RecordEvent): FanoutGroup[] {
  const candidates = recordEventCandidates(event.collection, String(event.record.id))
  const groups = new Map<string, FanoutGroup>()
  for (const client of clients) {
    if (client.isDiscarded() || client.subscriptionCount === 0) continue
    let identity: string | null = null
    // Candidates have distinct bases and a key has one base, so no key is seen twice.
    for (const candidate of candidates) {
      for (const sub of client.subscriptionsWithBase(candidate.base)) {
        identity ??= authKey(client)
        const renderKey = `${identity}\u0000${sub.optionsKey}`
        const groupKey = `${candidate.kind}\u0000${renderKey}`
        let group = groups.get(groupKey)
        if (!group) {
          group = { kind: candidate.kind, info: realtimeInfo(client, sub.options), renderKey, members: [] }
          groups.set(groupKey, group)
        }
        group.members.push({ client, name: sub.raw })
      }
    }
  }
  return [...groups.values()]
}

/** Calls `fn`, turning a throw or a rejection into `fallback`. */
function attempt<T>(fn: () => T | PromiseLike<T>, fallback: T): T | Promise<T> {
  try {
    const value = fn()
    return isPromiseLike(value) ? Promise.resolve(value).catch(() => fallback) : value
  } catch {
    return fallback
  }
}

function settleAll<T, R>(values: Array<T | Promise<T>>, then: (values: T[]) => R | Promise<R>): R | Promise<R> {
  return values.some(isPromiseLike) ? Promise.all(values).then(then) : then(values as T[])
}

const RENDER_FAILED = Symbol("render failed")

/**
 * Decides each group once and renders each distinct payload once. Returns synchronously when
 * every `canSee`/`render` call did, otherwise a promise that never rejects.
 */
export function decideFanout(groups: FanoutGroup[], event: RecordEvent, access: RecordAccess): FanoutPlan | Promise<FanoutPlan> {
  const { collection, record, action } = event
  const verdicts = groups.map((g) => attempt(() => access.canSee(g.kind, collection, record, g.info), false))
  return settleAll(verdicts, (allowed) => {
    const passed = groups.filter((_, i) => allowed[i] === true)
    const renders = new Map<string, unknown>()
    for (const g of passed) {
      if (!renders.has(g.renderKey)) {
        renders.set(g.renderKey, attempt<unknown>(() => access.render(collection, record, g.info), RENDER_FAILED))
      }
    }
    const keys = [...renders.keys()]
    return settleAll([...renders.values()], (rendered) => {
      const payloads = new Map<string, string>()
      keys.forEach((key, i) => {
        // A render (enrich) failure skips those subscribers, as PocketBase does.
        if (rendered[i] !== RENDER_FAILED) payloads.set(key, JSON.stringify({ record: rendered[i], action }))
      })
      const plan: FanoutPlan = []
      for (const group of passed) {
        const data = payloads.get(group.renderKey)
        if (data !== undefined) plan.push({ group, data })
      }
      return plan
    })
  })
}

/** Writes a decided plan; each distinct (name, payload) is encoded once. Returns the number of frames queued. */
export function deliverFanout(plan: FanoutPlan): number {
  const tails = new Map<string, Uint8Array>()
  let frames = 0
  for (const { group, data } of plan) {
    for (const { client, name } of group.members) {
      if (client.isDiscarded()) continue
      const cacheKey = `${name}\u0000${group.renderKey}`
      let tail = tails.get(cacheKey)
      if (!tail) tails.set(cacheKey, (tail = encodeFrameTail({ name, data })))
      client.sendEncoded({ name, data }, tail)
      frames++
    }
  }
  return frames
}
