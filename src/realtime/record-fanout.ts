/**
 * @module
 * Record event fan-out: which subscriptions an event reaches, one access decision and one
 * rendered payload per group of equivalent subscribers, and the frames, written off the writer's
 * request by the delivery queue.
 *
 * Grouping: subscribers that share (rule kind, bound auth identity, canonical options) get the
 * same verdict, so the rule runs once per group, never once per client. The rendered record
 * depends on (auth, options) only, so rendering and JSON encoding run once per that pair, and the
 * frame tail once per (event name, payload). Each client then writes its own `id:` head plus the
 * shared tail bytes.
 *
 * When things are decided: subscribers and the auth each one holds are taken when the event is
 * handed over (right after its commit), so later auth changes never widen what an event reaches.
 * When the collection's list or view rule needs the database, the subscribers are grouped and
 * those rules checked then too, against the state the event was committed in; when both rules
 * read only the record and the subscriber's request, grouping and every check run later, in the
 * delivery slices (a subscription filter that needs the database then sees that later state; it
 * only narrows what the rule allows). A delete is decided entirely before its rows go
 * (`decideNow`), so rules that reach through a relation the same delete removes (a cascade) still
 * see it.
 */
import type { AuthContext, Collection, RecordData, RequestInfo } from "../core/types.ts"
import type { Client } from "./client.ts"
import type { DeliveryJob, DeliveryQueue } from "./delivery-queue.ts"
import type { RecordChangeEvent } from "./events.ts"
import type { Hub } from "./hub.ts"
import { encodeFrameTail } from "./sse.ts"
import { recordEventCandidates, type Candidate, type RuleKind, type SubscriptionOptions } from "./topics.ts"

/** The records layer's answer to "may this subscriber see this record, and as what JSON?". Throwing denies. */
export interface RecordAccess {
  /** Whether the collection's list and view rules read only the record and the request (no database). */
  rulesArePure(collection: Collection): boolean
  /**
   * A check reading only the record and `info` (no database), to run later; null when the
   * database is needed. Applies the collection's `kind` rule and the subscription's filter.
   */
  pureCheck(kind: RuleKind, collection: Collection, info: RequestInfo): ((record: RecordData) => boolean) | null
  /** The full check, database included: whether `info.auth` may see `record` through the `kind` rule and the filter. */
  canSee(kind: RuleKind, collection: Collection, record: RecordData, info: RequestInfo): boolean
  /** The record JSON for this subscriber: visibility (hidden fields, email), `expand` and `fields` applied. */
  render(collection: Collection, record: RecordData, info: RequestInfo): unknown
}

/** Subscribers sharing one verdict. */
interface FanoutGroup {
  kind: RuleKind
  info: RequestInfo
  /** Identifies (auth, options): groups with equal keys share one rendered payload. */
  renderKey: string
  /** Each member is one (client, matching subscription key), the key being the event name; two parallel arrays (no object per member). */
  clients: Client[]
  names: string[]
  /** Decided already, or the pure check still to run. */
  verdict: boolean | ((record: RecordData) => boolean)
  /** The payload JSON when rendered before delivery (deletes); null when rendering failed. */
  data?: string | null
}

/** Work units a render costs against a slice's budget (a frame costs one). */
const RENDER_COST = 5

function authKey(auth: AuthContext | null): string {
  return auth === null ? "" : `${auth.collection.id}/${String(auth.record.id)}`
}

function realtimeInfo(auth: AuthContext | null, options: SubscriptionOptions): RequestInfo {
  return { auth, context: "realtime", method: "GET", query: options.query, headers: options.headers, body: {} }
}

/** The clients an event reaches under one candidate base, each followed by the auth it held at hand-over. */
interface Snapshot {
  candidate: Candidate
  entries: Array<Client | AuthContext | null>
}

/** Takes the event's subscribers and their auth now: one pass over the topic index, no grouping. */
function snapshotSubscribers(hub: Hub, event: RecordChangeEvent): Snapshot[] {
  return recordEventCandidates(event.collection, String(event.record.id)).map((candidate) => {
    const entries: Snapshot["entries"] = []
    for (const client of hub.subscribersOf(candidate.base)) entries.push(client, client.auth)
    return { candidate, entries }
  })
}

/** Groups every (client, subscription) of a snapshot, judging each client with its snapshotted auth. */
function groupSnapshot(snapshots: Snapshot[]): FanoutGroup[] {
  const groups = new Map<string, FanoutGroup>()
  for (const { candidate, entries } of snapshots) {
    for (let i = 0; i < entries.length; i += 2) {
      const client = entries[i] as Client
      const auth = entries[i + 1] as AuthContext | null
      if (client.isDiscarded()) continue
      const identity = authKey(auth)
      for (const sub of client.subscriptionsWithBase(candidate.base)) {
        const renderKey = `${identity}\u0000${sub.optionsKey}`
        const groupKey = `${candidate.kind}\u0000${renderKey}`
        let group = groups.get(groupKey)
        if (!group) {
          group = { kind: candidate.kind, info: realtimeInfo(auth, sub.options), renderKey, clients: [], names: [], verdict: false }
          groups.set(groupKey, group)
        }
        group.clients.push(client)
        group.names.push(sub.raw)
      }
    }
  }
  return [...groups.values()]
}

const groupSubscribers = (hub: Hub, event: RecordChangeEvent) => groupSnapshot(snapshotSubscribers(hub, event))

function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn()
  } catch {
    return fallback
  }
}

/** Hands committed record events to the delivery queue, deciding what must be decided at once. */
export class RecordFanout {
  readonly #hub: Hub
  readonly #access: RecordAccess
  readonly #queue: DeliveryQueue
  readonly #decided = new WeakMap<RecordChangeEvent, FanoutGroup[]>()

  constructor(hub: Hub, access: RecordAccess, queue: DeliveryQueue) {
    this.#hub = hub
    this.#access = access
    this.#queue = queue
  }

  /**
   * Decides and renders the event for every current subscriber now, while the rows it is about
   * (a delete and its cascade) still exist; `deliver` later sends exactly that. If the write
   * rolls back, `deliver` is never called and the decision is simply dropped.
   */
  decideNow(event: RecordChangeEvent): void {
    const { collection, record } = event
    const groups = groupSubscribers(this.#hub, event)
    const renders = new Map<string, string | null>()
    for (const group of groups) {
      group.verdict = attempt(() => this.#access.canSee(group.kind, collection, record, group.info), false)
      if (!group.verdict) continue
      if (!renders.has(group.renderKey)) renders.set(group.renderKey, this.#payload(event, group.info))
      group.data = renders.get(group.renderKey)!
    }
    this.#decided.set(event, groups)
  }

  /** Schedules the event's frames after the current request; decides database-dependent rules now. */
  deliver(event: RecordChangeEvent): void {
    this.#hub.countEvent()
    const render = (info: RequestInfo) => this.#payload(event, info)
    const decided = this.#decided.get(event)
    if (decided) {
      this.#queue.push(new RecordDelivery(event, decided, render))
      return
    }
    const snapshots = snapshotSubscribers(this.#hub, event)
    const size = snapshots.reduce((n, s) => n + s.entries.length / 2, 0)
    if (size === 0) return
    const plan = () => this.#decide(event, groupSnapshot(snapshots))
    const pure = attempt(() => this.#access.rulesArePure(event.collection), false)
    this.#queue.push(new RecordDelivery(event, pure ? plan : plan(), render, size))
  }

  // Pure checks are kept for the delivery slices; the others run now.
  #decide(event: RecordChangeEvent, groups: FanoutGroup[]): FanoutGroup[] {
    for (const group of groups) {
      const pure = attempt(() => this.#access.pureCheck(group.kind, event.collection, group.info), () => false)
      group.verdict = pure ?? attempt(() => this.#access.canSee(group.kind, event.collection, event.record, group.info), false)
    }
    return groups
  }

  // A render failure skips those subscribers, as PocketBase does.
  #payload(event: RecordChangeEvent, info: RequestInfo): string | null {
    const rendered = attempt<unknown>(() => this.#access.render(event.collection, event.record, info), RENDER_FAILED)
    return rendered === RENDER_FAILED ? null : JSON.stringify({ record: rendered, action: event.action })
  }
}

const RENDER_FAILED = Symbol("render failed")

/** One event's frames, written a slice at a time. */
class RecordDelivery implements DeliveryJob {
  readonly #event: RecordChangeEvent
  #plan: (() => FanoutGroup[]) | null
  #groups: FanoutGroup[] = []
  readonly #render: (info: RequestInfo) => string | null
  readonly #payloads = new Map<string, string | null>()
  readonly #tails = new Map<string, Uint8Array>()
  readonly size: number
  #group = 0
  #member = 0
  #data: string | null = null

  /** `groups` may be a plan to run on the first slice (grouping and checks off the writer's request). */
  constructor(event: RecordChangeEvent, groups: FanoutGroup[] | (() => FanoutGroup[]), render: (info: RequestInfo) => string | null, size?: number) {
    this.#event = event
    this.#render = render
    if (typeof groups === "function") this.#plan = groups
    else {
      this.#plan = null
      this.#groups = groups
    }
    this.size = size ?? this.#groups.reduce((n, g) => n + g.clients.length, 0)
  }

  run(budget: number): { used: number; done: boolean } {
    let used = 0
    if (this.#plan) {
      this.#groups = this.#plan()
      this.#plan = null
      // Grouping touches every subscriber once, about a tenth of writing them a frame.
      used += Math.ceil(this.size / 10)
    }
    while (used < budget && this.#group < this.#groups.length) {
      const group = this.#groups[this.#group]!
      if (this.#member === 0) {
        used++
        const data = this.#passes(group) ? this.#payloadFor(group) : null
        if (data === null) {
          this.#group++
          continue
        }
        if (group.data === undefined && !this.#payloads.has(group.renderKey)) used += RENDER_COST
        this.#data = data
      }
      used += this.#write(group, budget - used)
      if (this.#member >= group.clients.length) {
        this.#group++
        this.#member = 0
      }
    }
    return { used, done: this.#group >= this.#groups.length }
  }

  #passes(group: FanoutGroup): boolean {
    const verdict = group.verdict
    return typeof verdict === "boolean" ? verdict : attempt(() => verdict(this.#event.record), false)
  }

  #payloadFor(group: FanoutGroup): string | null {
    if (group.data !== undefined) return group.data
    let data = this.#payloads.get(group.renderKey)
    if (data === undefined) this.#payloads.set(group.renderKey, (data = this.#render(group.info)))
    return data
  }

  #write(group: FanoutGroup, budget: number): number {
    const data = this.#data!
    const end = Math.min(group.clients.length, this.#member + Math.max(1, budget))
    const start = this.#member
    for (; this.#member < end; this.#member++) {
      const client = group.clients[this.#member]!
      const name = group.names[this.#member]!
      if (client.isDiscarded()) continue
      const cacheKey = `${name}\u0000${group.renderKey}`
      let tail = this.#tails.get(cacheKey)
      if (!tail) this.#tails.set(cacheKey, (tail = encodeFrameTail({ name, data })))
      client.sendEncoded({ name, data }, tail)
    }
    return end - start
  }
}
