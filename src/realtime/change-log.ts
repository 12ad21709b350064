/**
 * @module
 * The change log: every record event and custom message, numbered by the database's commit
 * sequence, written to the shared database inside the transaction that numbered it and kept for
 * a window (a span of time and a number of events, whichever keeps more). Two readers: clients
 * that resume after a reconnect (`resume.ts`), and processes that missed broker messages while
 * Redis was away (they read the gap back here). It lives on disk, so its memory cost is nil.
 */
import type { Store } from "../db/store.ts"
import type { CollectionRegistry } from "../records/collections.ts"
import type { CustomMessageEvent, RecordAction, RecordChangeEvent } from "./events.ts"

/** How much of the log is kept. */
export interface ResumeWindow {
  /** Keep at least this many of the latest events. @default 100_000 */
  events: number
  /** Keep at least this long (ms). @default 300_000 */
  ms: number
}

export const DEFAULT_RESUME_WINDOW: Readonly<ResumeWindow> = Object.freeze({ events: 100_000, ms: 300_000 })

/** A logged event as it is read back: null when its collection no longer exists. */
export type LoggedEvent = { seq: number; event: RecordChangeEvent | CustomMessageEvent | null }

/** Events read back per query. */
const READ_BATCH = 1_000
/** The log is pruned after every this many events at most (a tenth of a small window). */
const PRUNE_EVERY = 1_000
/** A prune the write lock was taken for is tried again this much later at the soonest (ms). */
const PRUNE_RETRY_MS = 100

/** Compact row shapes: the collection is stored by id and read back as it is now. */
type Entry = { t: "r"; a: RecordAction; c: string; r: RecordChangeEvent["record"] } | { t: "c"; topic: string; data: unknown }

/** The shared log of numbered realtime events. */
export class ChangeLog {
  readonly #store: Store
  readonly #collections: CollectionRegistry
  readonly #window: ResumeWindow
  readonly #pruneEvery: number
  #pruneDue = false
  #pruneRetryAt = 0

  constructor(store: Store, collections: CollectionRegistry, window: ResumeWindow = DEFAULT_RESUME_WINDOW) {
    this.#store = store
    this.#collections = collections
    this.#window = window
    this.#pruneEvery = Math.max(1, Math.min(PRUNE_EVERY, Math.floor(window.events / 10)))
  }

  /** Numbers and logs the event; runs inside the writing transaction (or opens one). */
  append(event: RecordChangeEvent | CustomMessageEvent): number {
    const work = () => {
      const seq = this.#store.nextChangeSequence()
      const entry: Entry = event.type === "record"
        ? { t: "r", a: event.action, c: event.collection.id, r: event.record }
        : { t: "c", topic: event.topic, data: event.data }
      this.#store.logChange(seq, JSON.stringify(entry))
      event.seq = seq
      return seq
    }
    // Inside a record write already: no savepoint needed around two statements.
    return this.#store.inTransaction ? work() : this.#store.transaction(work)
  }

  /** Prunes now and then; call after the commit of a numbered event. */
  committed(seq: number): void {
    if (seq % this.#pruneEvery === 0) this.#pruneDue = true
    if (!this.#pruneDue || performance.now() < this.#pruneRetryAt) return
    // While another process writes, tried again after a later commit rather than waited for.
    this.#pruneDue = !this.#store.pruneChangeLog(this.#window.events, this.#window.ms)
    if (this.#pruneDue) this.#pruneRetryAt = performance.now() + PRUNE_RETRY_MS
  }

  /** The last number handed out. */
  latest(): number {
    return this.#store.latestChangeSequence()
  }

  /** Numbers up to this one are gone from the log. */
  floor(): number {
    return this.#store.changeLogFloor()
  }

  /** Logged events numbered in (`after`, `through`], in order, read in batches; `skip` leaves numbers out undecoded. */
  *between(after: number, through: number, skip?: (seq: number) => boolean): Generator<LoggedEvent> {
    let from = after
    while (from < through) {
      const rows = this.#store.changesAfter(from, READ_BATCH)
      for (const row of rows) {
        if (row.seq > through) return
        if (skip?.(row.seq)) continue
        yield { seq: row.seq, event: this.#decode(row.seq, JSON.parse(row.entry) as Entry) }
      }
      if (rows.length < READ_BATCH) return
      from = rows[rows.length - 1]!.seq
    }
  }

  #decode(seq: number, entry: Entry): RecordChangeEvent | CustomMessageEvent | null {
    if (entry.t === "c") return { type: "custom", topic: entry.topic, data: entry.data, seq }
    const collection = this.#collections.find(entry.c)
    return collection ? { type: "record", action: entry.a, collection, record: entry.r, seq } : null
  }
}
