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
import type { Collection, RecordData, RequestInfo } from "../core/types.ts"
import type { DeliveryQueue } from "./delivery-queue.ts"
import type { RecordChangeEvent } from "./events.ts"
import type { Client } from "./client.ts"
import { attempt, groupSnapshot, groupSubscribers, realtimeInfo, snapshotSubscribers, type FanoutGroup } from "./fanout-groups.ts"
import type { Hub } from "./hub.ts"
import { cursorOf, RecordDelivery, SnapshotDelivery } from "./record-delivery.ts"
import type { Message } from "./sse.ts"
import { recordEventCandidates, type RuleKind } from "./topics.ts"

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

const RENDER_FAILED = Symbol("render failed")

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
    if (!this.#hub.hasSubscriptions) return
    const snapshots = snapshotSubscribers(this.#hub, event)
    if (snapshots.every((snapshot) => snapshot.entries.length === 0)) return
    if (attempt(() => this.#access.rulesArePure(event.collection), false)) {
      this.#queue.push(new SnapshotDelivery(event, snapshots, (kind, info) => this.#check(event, kind, info), render))
    } else {
      this.#queue.push(new RecordDelivery(event, this.#decide(event, groupSnapshot(snapshots)), render))
    }
  }

  /**
   * The frames one client gets for an event, judged now with the client's current auth and
   * subscriptions, as a live event would be (resume replays go through here).
   */
  framesFor(client: Client, event: RecordChangeEvent): Message[] {
    const frames: Message[] = []
    const id = cursorOf(event)
    for (const candidate of recordEventCandidates(event.collection, String(event.record.id))) {
      for (const sub of client.subscriptionsWithBase(candidate.base)) {
        const info = realtimeInfo(client.auth, sub.options)
        if (!this.#check(event, candidate.kind, info)) continue
        const data = this.#payload(event, info)
        if (data !== null) frames.push({ name: sub.raw, data, id })
      }
    }
    return frames
  }

  /** The whole check for one group, run at once (pure checks too). */
  #check(event: RecordChangeEvent, kind: RuleKind, info: RequestInfo): boolean {
    const pure = attempt(() => this.#access.pureCheck(kind, event.collection, info), () => false)
    if (pure) return attempt(() => pure(event.record), false)
    return attempt(() => this.#access.canSee(kind, event.collection, event.record, info), false)
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
