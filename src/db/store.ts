/**
 * @module
 * The single write seam: every mutation runs through `Store.transaction`; work registered with
 * `afterCommit` runs only after COMMIT, work registered with `afterRollback` only when the
 * transaction (or savepoint) it belongs to is undone.
 */
import type { Database, SQLQueryBindings, Statement } from "bun:sqlite"

const SEQUENCE_SCHEMA = [
  "CREATE TABLE IF NOT EXISTS _change_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
  "INSERT OR IGNORE INTO _change_sequence (id, value) VALUES (1, 0)",
]

type Params = Record<string, SQLQueryBindings> | SQLQueryBindings[]

/** Prepared statements kept per connection. @default 500 */
const STATEMENT_CACHE_SIZE = 500

/** Wraps one `bun:sqlite` connection: cached statements, nested transactions, commit and rollback callbacks. */
export class Store {
  readonly db: Database
  #statements = new Map<string, Statement>()
  #depth = 0
  #afterCommit: Array<() => void> = []
  #afterRollback: Array<(error: unknown) => void> = []

  constructor(db: Database) {
    this.db = db
    for (const sql of SEQUENCE_SCHEMA) db.run(sql)
  }

  /**
   * A prepared statement, cached by its SQL text. The cache is bounded (filters make many
   * distinct texts) and least recently used statements are finalized.
   */
  statement(sql: string): Statement {
    let stmt = this.#statements.get(sql)
    if (stmt) {
      this.#statements.delete(sql)
    } else {
      stmt = this.db.prepare(sql)
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        const [oldest, evicted] = this.#statements.entries().next().value!
        this.#statements.delete(oldest)
        evicted.finalize()
      }
    }
    this.#statements.set(sql, stmt)
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
   * Runs `work` in a transaction (a savepoint when nested). Callbacks queued with `afterCommit`
   * run after the outermost COMMIT; a throw rolls back, drops them and runs the `afterRollback`
   * callbacks queued inside the undone part.
   */
  transaction<T>(work: () => T): T {
    const outermost = this.#depth === 0
    const savepoint = `sp${this.#depth}`
    this.db.run(outermost ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`)
    const afterBefore = this.#afterCommit.length
    const rollbackBefore = this.#afterRollback.length
    this.#depth++
    let result: T
    try {
      result = work()
      this.db.run(outermost ? "COMMIT" : `RELEASE ${savepoint}`)
    } catch (error) {
      this.#rollback(outermost ? null : savepoint)
      this.#afterCommit.length = afterBefore
      const undone = this.#afterRollback.splice(rollbackBefore)
      for (const callback of undone) this.#safely(() => callback(error))
      throw error
    } finally {
      this.#depth--
    }
    if (outermost) this.#flush()
    return result
  }

  /**
   * Like `transaction`, for work that awaits (migrations). Only safe while nothing else writes on
   * this connection, i.e. before the server starts taking requests.
   */
  async transactionAsync<T>(work: () => Promise<T>): Promise<T> {
    if (this.#depth > 0) throw new Error("transactionAsync cannot nest")
    this.db.run("BEGIN IMMEDIATE")
    this.#depth++
    let result: T
    try {
      result = await work()
      this.db.run("COMMIT")
    } catch (error) {
      this.#rollback(null)
      this.#afterCommit = []
      const undone = this.#afterRollback
      this.#afterRollback = []
      for (const callback of undone) this.#safely(() => callback(error))
      throw error
    } finally {
      this.#depth--
    }
    this.#flush()
    return result
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
    const { value } = this.statement("UPDATE _change_sequence SET value = value + 1 WHERE id = 1 RETURNING value").get() as { value: number }
    return value
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
