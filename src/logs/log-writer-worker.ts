/**
 * @module
 * The thread that writes log batches into the auxiliary database, so inserting them never takes
 * the server's event loop. Log entries are not worth an fsync: the connection runs with
 * `synchronous = OFF` (an OS crash may lose the last entries, never corrupt the file in WAL mode).
 */
import { Database } from "bun:sqlite"
import { BUSY_TIMEOUT_MS } from "../db/open.ts"
import type { LogEntry } from "./log-store.ts"

declare const self: Worker

/** The first message names the database file; every later one is a batch to insert. */
type Message = { open: string } | { id: number; entries: LogEntry[] }

let insertBatch: ((entries: LogEntry[]) => void) | null = null

self.onmessage = (event: MessageEvent<Message>) => {
  const message = event.data
  if ("open" in message) {
    const db = new Database(message.open, { strict: true })
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.run("PRAGMA journal_mode = WAL")
    db.run("PRAGMA synchronous = OFF")
    const insert = db.prepare("INSERT INTO _logs (id, level, message, data, created) VALUES (?, ?, ?, ?, ?)")
    insertBatch = db.transaction((entries: LogEntry[]) => {
      for (const entry of entries) insert.run(entry.id, entry.level, entry.message, JSON.stringify(entry.data), entry.created)
    })
    return
  }
  try {
    insertBatch!(message.entries)
    postMessage({ id: message.id })
  } catch (error) {
    postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) })
  }
}
