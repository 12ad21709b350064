/**
 * @module
 * The thread that writes log batches into the auxiliary database, so inserting them never takes
 * the server's event loop. Log entries are not worth an fsync: the connection runs with
 * `synchronous = OFF` (an OS crash may lose the last entries, never corrupt the file in WAL mode).
 */
import { Database } from "bun:sqlite"
import { BUSY_TIMEOUT_MS } from "../db/open.ts"
import { INSERT_LOG, type LogRow } from "./log-store.ts"
import { batchRows, type LogBatch } from "./log-writer.ts"

declare const self: Worker

/** The first message names the database file; every later one is a batch to insert. */
type Message = { open: string } | { id: number; batch: LogBatch }

let insertBatch: ((rows: LogRow[]) => void) | null = null

self.onmessage = (event: MessageEvent<Message>) => {
  const message = event.data
  if ("open" in message) {
    const db = new Database(message.open, { strict: true })
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.run("PRAGMA journal_mode = WAL")
    db.run("PRAGMA synchronous = OFF")
    // As large as the main connection's: log ids are random, and an index larger than the cache
    // turns every insert into page reads.
    db.run("PRAGMA cache_size = -32000")
    const insert = db.prepare(INSERT_LOG)
    insertBatch = db.transaction((rows: LogRow[]) => {
      for (const row of rows) insert.run(row.id, row.level, row.message, row.data, row.created)
    })
    return
  }
  try {
    insertBatch!(batchRows(message.batch))
    postMessage({ id: message.id })
  } catch (error) {
    postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) })
  }
}
