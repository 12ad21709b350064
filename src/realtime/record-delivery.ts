/**
 * @module
 * The delivery jobs of record events: a decided plan of groups written a slice at a time, or a
 * snapshot written straight through, each group decided and rendered when first met.
 */
import type { AuthContext, RequestInfo } from "../core/types.ts"
import type { Client } from "./client.ts"
import type { DeliveryJob } from "./delivery-queue.ts"
import type { RecordChangeEvent } from "./events.ts"
import { attempt, authKey, realtimeInfo, RENDER_COST, type FanoutGroup, type Snapshot } from "./fanout-groups.ts"
import { encodeFrameTail } from "./sse.ts"
import type { RuleKind } from "./topics.ts"

/** One event's frames, written a slice at a time. */
export class RecordDelivery implements DeliveryJob {
  readonly #event: RecordChangeEvent
  readonly #groups: FanoutGroup[]
  readonly #render: (info: RequestInfo) => string | null
  readonly #payloads = new Map<string, string | null>()
  readonly #tails = new Map<string, Uint8Array>()
  readonly size: number
  #group = 0
  #member = 0
  #data: string | null = null

  constructor(event: RecordChangeEvent, groups: FanoutGroup[], render: (info: RequestInfo) => string | null) {
    this.#event = event
    this.#groups = groups
    this.#render = render
    this.size = groups.reduce((n, g) => n + g.clients.length, 0)
  }

  run(budget: number): { used: number; done: boolean } {
    let used = 0
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

/**
 * An event whose rules need no database, written straight from the snapshot: each subscriber's
 * group is looked up, and decided and rendered the first time it is met, as its frame is
 * written, so no slice has to group every subscriber first.
 */
export class SnapshotDelivery implements DeliveryJob {
  readonly size: number
  readonly #snapshots: Snapshot[]
  readonly #check: (kind: RuleKind, info: RequestInfo) => boolean
  readonly #render: (info: RequestInfo) => string | null
  /** groupKey → the payload, or null when the group may not see the event (or rendering failed). */
  readonly #verdicts = new Map<string, string | null>()
  /** renderKey → the payload shared by every group that renders alike. */
  readonly #payloads = new Map<string, string | null>()
  readonly #tails = new Map<string, Uint8Array>()
  #snapshot = 0
  #entry = 0

  constructor(snapshots: Snapshot[], check: (kind: RuleKind, info: RequestInfo) => boolean, render: (info: RequestInfo) => string | null) {
    this.#snapshots = snapshots
    this.#check = check
    this.#render = render
    this.size = snapshots.reduce((n, snapshot) => n + snapshot.entries.length / 2, 0)
  }

  run(budget: number): { used: number; done: boolean } {
    let used = 0
    while (used < budget && this.#snapshot < this.#snapshots.length) {
      const { candidate, entries } = this.#snapshots[this.#snapshot]!
      if (this.#entry >= entries.length) {
        this.#snapshot++
        this.#entry = 0
        continue
      }
      const client = entries[this.#entry] as Client
      const auth = entries[this.#entry + 1] as AuthContext | null
      this.#entry += 2
      used++
      if (client.isDiscarded()) continue
      const identity = authKey(auth)
      for (const sub of client.subscriptionsWithBase(candidate.base)) {
        const renderKey = `${identity}\u0000${sub.optionsKey}`
        const groupKey = `${candidate.kind}\u0000${renderKey}`
        let data = this.#verdicts.get(groupKey)
        if (data === undefined) {
          used += RENDER_COST
          data = this.#decide(candidate.kind, renderKey, realtimeInfo(auth, sub.options))
          this.#verdicts.set(groupKey, data)
        }
        if (data === null) continue
        const cacheKey = `${sub.raw}\u0000${renderKey}`
        let tail = this.#tails.get(cacheKey)
        if (!tail) this.#tails.set(cacheKey, (tail = encodeFrameTail({ name: sub.raw, data })))
        client.sendEncoded({ name: sub.raw, data }, tail)
      }
    }
    return { used, done: this.#snapshot >= this.#snapshots.length }
  }

  #decide(kind: RuleKind, renderKey: string, info: RequestInfo): string | null {
    if (!this.#check(kind, info)) return null
    let data = this.#payloads.get(renderKey)
    if (data === undefined) this.#payloads.set(renderKey, (data = this.#render(info)))
    return data
  }
}
