/**
 * @module
 * A read-only SQLite connection on its own thread, answering `{id, sql, params}` messages with
 * rows. WAL lets it read committed data while the main connection writes.
 */
import { Database, type SQLQueryBindings } from "bun:sqlite"
import { BUSY_TIMEOUT_MS } from "./open.ts"

declare const self: Worker

/** The first message names the database file; every later one is a query. */
type Message = { open: string } | { id: number; sql: string; params: Record<string, SQLQueryBindings> }

let db: Database | null = null

self.onmessage = (event: MessageEvent<Message>) => {
  const message = event.data
  if ("open" in message) {
    db = new Database(message.open, { readonly: true, strict: true })
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
    return
  }
  const { id, sql, params } = message
  try {
    postMessage({ id, rows: db!.query(sql).all(params as unknown as SQLQueryBindings) })
  } catch (error) {
    postMessage({ id, error: error instanceof Error ? error.message : String(error) })
  }
}
