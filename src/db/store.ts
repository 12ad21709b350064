/**
 * @module
 * The single write seam: every mutation runs through `Store.transaction`; work registered with
 * `afterCommit` runs only after COMMIT, work registered with `afterRollback` only when the
 * transaction (or savepoint) it belongs to is undone.
 *
 * Group commit: writes run through `grouped` in the same event-loop turn share one transaction,
 * each in its own savepoint (a failing one is undone alone), and all of them wait for the one
 * COMMIT at the end of the turn; a failing COMMIT fails every one of them.
 */
import type { Database, SQLQueryBindings, Statement } from "bun:sqlite"
import { LruCache } from "../core/lru-cache.ts"
import { beginWithoutBlocking, SharedCommit, withoutWaiting } from "./group-commit.ts"

const SEQUENCE_SCHEMA = [
  "CREATE TABLE IF NOT EXISTS _change_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
  "INSERT OR IGNORE INTO _change_sequence (id, value) VALUES (1, 0)",
  // The change log: every committed realtime event by its sequence number, kept for a window so
  // reconnecting clients and processes that missed broker messages can read what they missed.
  "CREATE TABLE IF NOT EXISTS _change_log (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, entry TEXT NOT NULL)",
  // Every sequence number up to `value` is gone from the log (pruned, or from before the log existed).
  "CREATE TABLE IF NOT EXISTS _change_log_floor (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
  "INSERT OR IGNORE INTO _change_log_floor (id, value) SELECT 1, value FROM _change_sequence",
]

/** One change log row. */
export interface LoggedChange {
  seq: number
  entry: string
}

type Params = Record<string, SQLQueryBindings> | SQLQueryBindings[]

/** What an undone outermost transaction gives back to: nothing was queued or numbered before it. */
const NOTHING_BEFORE = { afterBefore: 0, rollbackBefore: 0, sequenceBefore: null }

/** Prepared statements kept per connection. @default 500 */
const STATEMENT_CACHE_SIZE = 500

/** Wraps one `bun:sqlite` connection: cached statements, nested transactions, commit and rollback callbacks. */
export class Store {
  readonly db: Database
  // Filters make many distinct texts: the least recently used statements are finalized.
  readonly #statements = new LruCache<string, Statement>(STATEMENT_CACHE_SIZE, (stmt) => stmt.finalize())
  #depth = 0
  #afterCommit: Array<() => void> = []
  #afterRollback: Array<(error: unknown) => void> = []
  #group: SharedCommit | null = null
  #opening: Promise<void> | null = null
  #joining = false
  // Runs a cached statement (what taking the write lock without blocking is given).
  readonly #run = (sql: string): void => void this.statement(sql).run()
  // The change sequence while this connection holds the write lock: read once, counted here,
  // written back just before COMMIT (an UPDATE per write was a twentieth of a create).
  #sequenceRead = 0
  #sequenceNext: number | null = null
  /** Shared transactions committed, and the writes they carried (for the benchmarks' notes). */
  readonly groupStats = { commits: 0, writes: 0 }

  constructor(db: Database) {
    this.db = db
    for (const sql of SEQUENCE_SCHEMA) db.run(sql)
  }

  /** A prepared statement, cached by its SQL text. */
  statement(sql: string): Statement {
    let stmt = this.#statements.get(sql)
    if (!stmt) this.#statements.set(sql, (stmt = this.db.prepare(sql)))
    return stmt
  }

  /** Forgets cached statements; needed after DDL, which can invalidate their column lists. */
  resetStatements(): void {
    this.#statements.clear()
  }

  all<T = Record<string, unknown>>(sql: string, params: Params = []): T[] {
    return this.statement(sql).all(params as SQLQueryBindings) as T[]
  }

  get<T = Record<string, unknown>>(sql: string, params: Params = []): T | null {
    return (this.statement(sql).get(params as SQLQueryBindings) as T | null) ?? null
  }

  run(sql: string, params: Params = []): { changes: number } {
    return this.statement(sql).run(params as SQLQueryBindings)
  }

  /** Executes DDL (not cached) and drops the statement cache. */
  exec(sql: string): void {
    this.db.run(sql)
    this.resetStatements()
  }

  /**
   * Runs `work` in a transaction (a savepoint when nested). Callbacks queued with `afterCommit`
   * run after the outermost COMMIT; a throw rolls back, drops them and runs the `afterRollback`
   * callbacks queued inside the undone part.
   */
  transaction<T>(work: () => T): T {
    if (this.#depth === 0) {
      if (this.#joining) this.#joinGroup()
      // A write outside the group must not ride on (or be undone with) it: the group commits first.
      else if (this.#group) this.#commitGroup()
    }
    const outermost = this.#depth === 0 && !this.#joining
    const savepoint = `sp${this.#depth}`
    this.statement(outermost ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`).run()
    const afterBefore = this.#afterCommit.length
    const rollbackBefore = this.#afterRollback.length
    const sequenceBefore = this.#sequenceNext
    this.#depth++
    let result: T
    try {
      result = work()
      if (outermost) this.#commit()
      else this.statement(`RELEASE ${savepoint}`).run()
    } catch (error) {
      this.#undo(outermost ? null : savepoint, { afterBefore, rollbackBefore, sequenceBefore }, error)
      throw error
    } finally {
      this.#depth--
    }
    if (outermost) this.#flush()
    return result
  }

  /**
   * Like `transaction`, for work that awaits (migrations, batches); nested, a savepoint. Only safe
   * while nothing else uses this connection meanwhile (before the server takes requests, or behind
   * the write gate, one nested call at a time). The write lock is taken as `grouped` takes it,
   * without stalling the event loop.
   */
  async transactionAsync<T>(work: () => Promise<T>): Promise<T> {
    const outermost = this.#depth === 0
    const savepoint = `sp${this.#depth}`
    if (outermost) {
      if (this.#group) this.#commitGroup()
      await beginWithoutBlocking(this.#run)
    } else {
      // SQLite may have undone the whole transaction after an earlier failure (a full disk): a
      // savepoint now would start a transaction of its own.
      if (!this.db.inTransaction) throw new Error("the transaction was rolled back")
      this.statement(`SAVEPOINT ${savepoint}`).run()
    }
    const afterBefore = this.#afterCommit.length
    const rollbackBefore = this.#afterRollback.length
    const sequenceBefore = this.#sequenceNext
    this.#depth++
    let result: T
    try {
      result = await work()
      if (outermost) this.#commit()
      else this.statement(`RELEASE ${savepoint}`).run()
    } catch (error) {
      this.#undo(outermost ? null : savepoint, { afterBefore, rollbackBefore, sequenceBefore }, error)
      throw error
    } finally {
      this.#depth--
    }
    if (outermost) this.#flush()
    return result
  }

  /**
   * Runs `work` (synchronous checks and writes) inside this turn's shared transaction and resolves
   * with its result once that transaction committed. Each `transaction` inside is a savepoint: a
   * throw undoes only that write and rejects at once. Taking the write lock waits on a timer, not
   * in SQLite's busy handler, so a lock held by another process does not stall this one.
   */
  async grouped<T>(work: () => T): Promise<Awaited<T>> {
    if (this.#depth === 0 && !this.#group) {
      this.#opening ??= this.#openGroup().finally(() => (this.#opening = null))
      await this.#opening
    }
    if (this.#depth > 0) return await work()
    this.#joining = true
    let result: T
    try {
      result = work()
    } finally {
      this.#joining = false
    }
    const [, value] = await Promise.all([this.#group?.committed, result])
    return value
  }

  async #openGroup(): Promise<void> {
    await beginWithoutBlocking(this.#run)
    this.#startGroup()
  }

  // A grouped write met no open group (an outside write committed it meanwhile): open one now.
  #joinGroup(): void {
    if (!this.#group) {
      this.statement("BEGIN IMMEDIATE").run()
      this.#startGroup()
    }
    this.#group!.members++
  }

  #startGroup(): void {
    const group = new SharedCommit()
    this.#group = group
    group.schedule(() => this.#commitGroup())
  }

  #commitGroup(): void {
    const group = this.#group
    if (!group) return
    this.#group = null
    try {
      this.#commit()
    } catch (error) {
      this.#undo(null, NOTHING_BEFORE, error)
      group.settle(error)
      return
    }
    this.groupStats.commits++
    this.groupStats.writes += group.members
    this.#flush()
    group.settle()
  }

  // Writes the counted change sequence back, then commits; the count is read afresh next time.
  #commit(): void {
    if (this.#sequenceNext !== null && this.#sequenceNext !== this.#sequenceRead) {
      this.statement("UPDATE _change_sequence SET value = ? WHERE id = 1").run(this.#sequenceNext)
    }
    this.statement("COMMIT").run()
    this.#sequenceNext = null
  }

  // Rolls back one savepoint (or, savepoint null, the transaction): the commit callbacks queued
  // since are dropped, the rollback callbacks queued since run, the change numbers taken since are
  // given back.
  #undo(savepoint: string | null, before: { afterBefore: number; rollbackBefore: number; sequenceBefore: number | null }, error: unknown): void {
    const { afterBefore, rollbackBefore } = before
    this.#rollback(savepoint)
    this.#sequenceNext = savepoint === null ? null : before.sequenceBefore
    this.#afterCommit.length = afterBefore
    const undone = this.#afterRollback.splice(rollbackBefore)
    for (const callback of undone) this.#safely(() => callback(error))
  }

  // Undoes the outermost transaction (savepoint null) or one savepoint. A failed COMMIT can leave
  // the transaction open or already closed; a second error here must not hide the first.
  #rollback(savepoint: string | null): void {
    try {
      if (savepoint === null) {
        if (this.db.inTransaction) this.db.run("ROLLBACK")
      } else {
        this.db.run(`ROLLBACK TO ${savepoint}`)
        this.db.run(`RELEASE ${savepoint}`)
      }
    } catch (error) {
      console.error("rollback failed:", error)
    }
  }

  /** True while a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.#depth > 0
  }

  /**
   * The next position in the database's commit order, shared by every process on this data
   * directory. Bumped inside the writing transaction, so a rollback leaves no gap.
   */
  nextChangeSequence(): number {
    if (this.#depth === 0) throw new Error("nextChangeSequence outside a transaction")
    if (this.#sequenceNext === null) this.#sequenceNext = this.#sequenceRead = this.#storedChangeSequence()
    return ++this.#sequenceNext
  }

  /** The last sequence number handed out (inside a transaction: including its own). */
  latestChangeSequence(): number {
    return this.#sequenceNext ?? this.#storedChangeSequence()
  }

  #storedChangeSequence(): number {
    return (this.statement("SELECT value FROM _change_sequence WHERE id = 1").get() as { value: number }).value
  }

  /** Logs the change numbered `seq`; inside the transaction that took the number. */
  logChange(seq: number, entry: string): void {
    this.statement("INSERT INTO _change_log (seq, at, entry) VALUES (?, ?, ?)").run(seq, Date.now(), entry)
  }

  /** Logged changes after `seq`, in sequence order, at most `limit`. */
  changesAfter(seq: number, limit: number): LoggedChange[] {
    return this.statement("SELECT seq, entry FROM _change_log WHERE seq > ? ORDER BY seq LIMIT ?").all(seq, limit) as LoggedChange[]
  }

  /** Every sequence number up to this one is no longer in the change log. */
  changeLogFloor(): number {
    return (this.statement("SELECT value FROM _change_log_floor WHERE id = 1").get() as { value: number }).value
  }

  /**
   * Drops logged changes that are both older than `keepMs` and not among the last `keepCount`.
   * False, with nothing done, while another process holds the write lock: housekeeping does not
   * wait for it.
   */
  pruneChangeLog(keepCount: number, keepMs: number): boolean {
    const busy = withoutWaiting(this.#run, () => this.transaction(() => {
      const latest = this.latestChangeSequence()
      // Walks from the oldest row and stops at the first young one (times grow with seq).
      const young = this.statement("SELECT seq FROM _change_log WHERE at >= ? ORDER BY seq LIMIT 1").get(Date.now() - keepMs) as { seq: number } | null
      const cut = Math.min(latest - keepCount, young ? young.seq - 1 : latest)
      if (cut <= this.changeLogFloor()) return
      this.statement("DELETE FROM _change_log WHERE seq <= ?").run(cut)
      this.statement("UPDATE _change_log_floor SET value = ? WHERE id = 1").run(cut)
    }))
    return busy === null
  }

  /** Runs `callback` once the surrounding transaction commits (at once when none is open). */
  afterCommit(callback: () => void): void {
    if (this.#depth === 0) callback()
    else this.#afterCommit.push(callback)
  }

  /** Runs `callback` with the error if the surrounding transaction is rolled back (never without one). */
  afterRollback(callback: (error: unknown) => void): void {
    if (this.#depth > 0) this.#afterRollback.push(callback)
  }

  close(): void {
    if (this.#group) this.#commitGroup()
    this.resetStatements()
    this.db.close()
  }

  #flush(): void {
    const callbacks = this.#afterCommit
    this.#afterCommit = []
    this.#afterRollback = []
    for (const callback of callbacks) this.#safely(callback)
  }

  // A callback's failure must not undo or hide a commit (or the rollback's own error).
  #safely(callback: () => void): void {
    try {
      callback()
    } catch (error) {
      console.error("transaction callback failed:", error)
    }
  }
}
