/**
 * @module
 * The single write seam: every mutation runs through `Store.transaction`, and the committed-changes
 * feed is told about record changes only after COMMIT, never for rolled-back work.
 */
import type { Database, SQLQueryBindings, Statement } from "bun:sqlite"
import type { Collection, RecordData } from "../core/types.ts"

/** One committed record change. `previous` is the stored row before an update or delete. */
export interface RecordChange {
  action: "create" | "update" | "delete"
  collection: Collection
  record: RecordData
  previous?: RecordData
  /**
   * Position in the database's commit order, shared by every process on this data directory
   * (the counter is bumped inside the writing transaction, so a rollback leaves no gap).
   */
  seq: number
}

const SEQUENCE_SCHEMA = [
  "CREATE TABLE IF NOT EXISTS _change_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
  "INSERT OR IGNORE INTO _change_sequence (id, value) VALUES (1, 0)",
]

export type ChangeListener = (change: RecordChange) => void

type Params = Record<string, SQLQueryBindings> | SQLQueryBindings[]

/** Wraps one `bun:sqlite` connection: cached statements, nested transactions, and the change feed. */
export class Store {
  readonly db: Database
  #statements = new Map<string, Statement>()
  #listeners = new Set<ChangeListener>()
  #depth = 0
  #pending: RecordChange[] = []
  #afterCommit: Array<() => void> = []

  constructor(db: Database) {
    this.db = db
    for (const sql of SEQUENCE_SCHEMA) db.run(sql)
  }

  /** A prepared statement, cached by its SQL text. */
  statement(sql: string): Statement {
    let stmt = this.#statements.get(sql)
    if (!stmt) {
      stmt = this.db.prepare(sql)
      this.#statements.set(sql, stmt)
    }
    return stmt
  }

  /** Forgets cached statements; needed after DDL, which can invalidate their column lists. */
  resetStatements(): void {
    for (const stmt of this.#statements.values()) stmt.finalize()
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
   * Runs `work` in a transaction (a savepoint when nested). Record changes queued with `recordChanged`
   * reach listeners only after the outermost COMMIT; a throw rolls back and discards them.
   */
  transaction<T>(work: () => T): T {
    const outermost = this.#depth === 0
    const savepoint = `sp${this.#depth}`
    this.db.run(outermost ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`)
    const pendingBefore = this.#pending.length
    const afterBefore = this.#afterCommit.length
    this.#depth++
    try {
      const result = work()
      this.#depth--
      if (outermost) this.db.run("COMMIT")
      else this.db.run(`RELEASE ${savepoint}`)
      if (outermost) this.#flush()
      return result
    } catch (error) {
      this.#depth--
      this.db.run(outermost ? "ROLLBACK" : `ROLLBACK TO ${savepoint}`)
      if (!outermost) this.db.run(`RELEASE ${savepoint}`)
      this.#pending.length = pendingBefore
      this.#afterCommit.length = afterBefore
      throw error
    }
  }

  /**
   * Like `transaction`, for work that awaits (migrations). Only safe while nothing else writes on
   * this connection, i.e. before the server starts taking requests.
   */
  async transactionAsync<T>(work: () => Promise<T>): Promise<T> {
    if (this.#depth > 0) throw new Error("transactionAsync cannot nest")
    this.db.run("BEGIN IMMEDIATE")
    this.#depth++
    try {
      const result = await work()
      this.#depth--
      this.db.run("COMMIT")
      this.#flush()
      return result
    } catch (error) {
      this.#depth--
      this.db.run("ROLLBACK")
      this.#pending = []
      this.#afterCommit = []
      throw error
    }
  }

  /** True while a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.#depth > 0
  }

  /** Queues a record change for the feed; it is delivered after the surrounding transaction commits. */
  recordChanged(change: Omit<RecordChange, "seq">): void {
    if (this.#depth === 0) throw new Error("recordChanged outside a transaction")
    const { value } = this.statement("UPDATE _change_sequence SET value = value + 1 WHERE id = 1 RETURNING value").get() as { value: number }
    this.#pending.push({ ...change, seq: value })
  }

  /** Runs `callback` once the surrounding transaction commits (at once when none is open). */
  afterCommit(callback: () => void): void {
    if (this.#depth === 0) callback()
    else this.#afterCommit.push(callback)
  }

  /** Subscribes to committed record changes; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  close(): void {
    this.resetStatements()
    this.db.close()
  }

  #flush(): void {
    const changes = this.#pending
    const callbacks = this.#afterCommit
    this.#pending = []
    this.#afterCommit = []
    for (const callback of callbacks) this.#safely(callback)
    for (const change of changes) {
      for (const listener of this.#listeners) this.#safely(() => listener(change))
    }
  }

  // A listener's failure must not undo or hide a commit that already happened.
  #safely(callback: () => void): void {
    try {
      callback()
    } catch (error) {
      console.error("committed-change listener failed:", error)
    }
  }
}
