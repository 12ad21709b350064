/**
 * @module
 * Takes a consistent copy of a SQLite file with `VACUUM INTO` on its own read-only connection and
 * thread, so the server keeps answering (and writing, thanks to WAL) while the copy is made.
 */
import { Database } from "bun:sqlite"
import { BUSY_TIMEOUT_MS } from "../db/open.ts"

declare const self: Worker

self.onmessage = (event: MessageEvent<{ source: string; target: string }>) => {
  const { source, target } = event.data
  try {
    const db = new Database(source, { readonly: true })
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.run("VACUUM INTO ?", [target])
    db.close()
    postMessage({ ok: true })
  } catch (error) {
    postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) })
  }
}
