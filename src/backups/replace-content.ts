/**
 * @module
 * Replaces the content of a live database with that of a restored copy, in one transaction on
 * the live connection: the copy is attached, every table, index, view and trigger of the live
 * database is dropped and recreated from the copy, and the rows are copied. A failure rolls back
 * and leaves the current data serving; other processes on the file see the new data through
 * SQLite's ordinary locking, with no restart.
 */
import { Database } from "bun:sqlite"
import type { Store } from "../db/store.ts"

/** The restored copy is not a readable database of the expected kind. */
export class InvalidDatabaseError extends Error {}

interface SchemaObject {
  type: "table" | "index" | "view" | "trigger"
  name: string
  /** The table an index or trigger belongs to (the object's own name for tables and views). */
  tableName: string
  sql: string | null
}

const ATTACHED = "pb_restore"

/** Opens `path` read-only and checks it with `PRAGMA quick_check` and for `requiredTable`. */
export function checkDatabase(path: string, requiredTable: string): void {
  let db: Database | null = null
  try {
    db = new Database(path, { readonly: true })
    const result = db.query("PRAGMA quick_check").all() as Array<{ quick_check: string }>
    if (result.length !== 1 || result[0]!.quick_check !== "ok") throw new InvalidDatabaseError(`${requiredTable}: the database failed its integrity check`)
    if (!db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(requiredTable)) {
      throw new InvalidDatabaseError(`the database has no ${requiredTable} table`)
    }
  } catch (error) {
    if (error instanceof InvalidDatabaseError) throw error
    throw new InvalidDatabaseError(`not a readable SQLite database: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    db?.close()
  }
}

/**
 * Makes the live database of `store` a copy of the database at `path`, except the tables in
 * `keep`, which hold this deployment's runtime state and stay as they are.
 */
export function replaceDatabaseContent(store: Store, path: string, keep: ReadonlySet<string>): void {
  if (store.inTransaction) throw new Error("cannot restore inside a transaction")
  // ATTACH is not allowed inside a transaction, so it wraps the one transaction that does the work.
  store.db.run(`ATTACH DATABASE ? AS ${ATTACHED}`, [path])
  try {
    store.transaction(() => {
      store.db.run("PRAGMA defer_foreign_keys = ON")
      const objects = (schema: string) =>
        store.db
          .query(`SELECT type, name, tbl_name AS tableName, sql FROM ${schema}.sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid`)
          .all() as SchemaObject[]
      const live = objects("main").filter((o) => !keep.has(o.tableName))
      for (const type of ["trigger", "view", "table"] as const) {
        for (const object of live.filter((o) => o.type === type)) store.db.run(`DROP ${type.toUpperCase()} IF EXISTS main.${quote(object.name)}`)
      }
      const restored = objects(ATTACHED).filter((o) => o.sql !== null && !keep.has(o.tableName))
      for (const table of restored.filter((o) => o.type === "table")) {
        store.db.run(table.sql!)
        store.db.run(`INSERT INTO main.${quote(table.name)} SELECT * FROM ${ATTACHED}.${quote(table.name)}`)
      }
      for (const type of ["index", "view", "trigger"] as const) {
        for (const object of restored.filter((o) => o.type === type)) store.db.run(object.sql!)
      }
    })
  } finally {
    store.db.run(`DETACH DATABASE ${ATTACHED}`)
    store.resetStatements()
  }
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`
