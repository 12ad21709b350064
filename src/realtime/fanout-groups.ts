/**
 * @module
 * Who a record event reaches and how they group: the snapshot of subscribers (with the auth each
 * held when the event was handed over) taken through the hub's topic index, and the groups of
 * equivalent subscribers (rule kind, auth identity, canonical options) that share one verdict.
 */
import type { AuthContext, RecordData, RequestInfo } from "../core/types.ts"
import type { Client } from "./client.ts"
import type { RecordChangeEvent } from "./events.ts"
import type { Hub } from "./hub.ts"
import { recordEventCandidates, type Candidate, type RuleKind, type SubscriptionOptions } from "./topics.ts"

/** Subscribers sharing one verdict. */
export interface FanoutGroup {
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
export const RENDER_COST = 5

export function authKey(auth: AuthContext | null): string {
  return auth === null ? "" : `${auth.collection.id}/${String(auth.record.id)}`
}

export function realtimeInfo(auth: AuthContext | null, options: SubscriptionOptions): RequestInfo {
  return { auth, context: "realtime", method: "GET", query: options.query, headers: options.headers, body: {} }
}

/** The clients an event reaches under one candidate base, each followed by the auth it held at hand-over. */
export interface Snapshot {
  candidate: Candidate
  entries: Array<Client | AuthContext | null>
}

/** Takes the event's subscribers and their auth now: one pass over the topic index, no grouping. */
export function snapshotSubscribers(hub: Hub, event: RecordChangeEvent): Snapshot[] {
  return recordEventCandidates(event.collection, String(event.record.id)).map((candidate) => {
    const entries: Snapshot["entries"] = []
    for (const client of hub.subscribersOf(candidate.base)) entries.push(client, client.auth)
    return { candidate, entries }
  })
}

/** Groups every (client, subscription) of a snapshot, judging each client with its snapshotted auth. */
export function groupSnapshot(snapshots: Snapshot[]): FanoutGroup[] {
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

export const groupSubscribers = (hub: Hub, event: RecordChangeEvent) => groupSnapshot(snapshotSubscribers(hub, event))

/** Calls `fn`, turning a throw into `fallback` (a failing check denies, a failing render skips). */
export function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn()
  } catch {
    return fallback
  }
}
