/**
 * @module
 * Where the logger's batches go: a writer thread for a database file, or the main connection for
 * an in-memory database (tests), which another thread cannot open.
 */
import type { LogRow, LogStore } from "./log-store.ts"
import { requestRow, type LoggedRequest } from "./request-log.ts"

/** What the logger hands over at once: finished rows, and requests whose rows are still to compose. */
export interface LogBatch {
  rows: LogRow[]
  requests: LoggedRequest[]
}

/** Writes one batch; resolves once it is stored. */
export type WriteBatch = (batch: LogBatch) => Promise<void>

/** Every row of a batch, requests composed. */
export const batchRows = (batch: LogBatch): LogRow[] => [...batch.rows, ...batch.requests.map(requestRow)]

/** A writer thread with its own connection to `path`. */
export class ThreadLogWriter {
  readonly #worker: Worker
  readonly #pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>()
  #nextId = 0

  constructor(path: string) {
    this.#worker = new Worker(new URL("./log-writer-worker.ts", import.meta.url).href)
    this.#worker.postMessage({ open: path })
    this.#worker.onmessage = (event: MessageEvent<{ id: number; error?: string }>) => {
      const pending = this.#pending.get(event.data.id)
      this.#pending.delete(event.data.id)
      if (event.data.error) pending?.reject(new Error(event.data.error))
      else pending?.resolve()
    }
    // An idle writer must not keep the process alive.
    this.#worker.unref()
  }

  write: WriteBatch = (batch) =>
    new Promise<void>((resolve, reject) => {
      const id = this.#nextId++
      this.#pending.set(id, { resolve, reject })
      this.#worker.ref()
      this.#worker.postMessage({ id, batch })
    }).finally(() => {
      if (this.#pending.size === 0) this.#worker.unref()
    })

  close(): void {
    this.#worker.terminate()
  }
}

/** Writes batches on the main connection. */
export const directLogWriter = (store: LogStore): WriteBatch => async (batch) => store.insert(batchRows(batch))
