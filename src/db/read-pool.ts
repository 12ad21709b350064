/**
 * @module
 * Heavy read queries (record lists with filters, sorts and counts) on worker threads, each with
 * its own read-only connection, so they run on every core while the main thread serves HTTP and
 * writes. Reads see every committed write, because the main connection commits before answering.
 */
import type { SQLQueryBindings } from "bun:sqlite"

type Row = Record<string, unknown>
type Params = Record<string, SQLQueryBindings>

/** Runs read-only queries; `all` may answer later. */
export interface ReadQueries {
  all(sql: string, params: Params): Row[] | Promise<Row[]>
}

interface Pending {
  resolve(rows: Row[]): void
  reject(error: Error): void
}

/** A fixed set of reader threads, used round-robin; threads start on first use. */
export class ReadPool implements ReadQueries {
  readonly #path: string
  readonly #size: number
  readonly #workers: Worker[] = []
  readonly #pending = new Map<number, Pending>()
  #next = 0
  #seq = 0
  #closed = false

  /** @param size number of reader threads (at least 1) */
  constructor(path: string, size: number) {
    this.#path = path
    this.#size = Math.max(1, size)
  }

  all(sql: string, params: Params): Promise<Row[]> {
    if (this.#closed) return Promise.reject(new Error("read pool closed"))
    const worker = this.#worker()
    const id = ++this.#seq
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      worker.postMessage({ id, sql, params })
    })
  }

  /** Stops every reader thread; queries still in flight fail. */
  close(): void {
    this.#closed = true
    for (const worker of this.#workers) worker.terminate()
    for (const pending of this.#pending.values()) pending.reject(new Error("read pool closed"))
    this.#pending.clear()
  }

  #worker(): Worker {
    if (this.#workers.length < this.#size) {
      const worker = new Worker(new URL("./read-worker.ts", import.meta.url).href)
      worker.postMessage({ open: this.#path })
      worker.onmessage = (event: MessageEvent<{ id: number; rows?: Row[]; error?: string }>) => {
        const pending = this.#pending.get(event.data.id)
        if (!pending) return
        this.#pending.delete(event.data.id)
        if (event.data.error !== undefined) pending.reject(new Error(event.data.error))
        else pending.resolve(event.data.rows ?? [])
      }
      // Reader threads must not keep a stopping process alive.
      worker.unref()
      this.#workers.push(worker)
      return worker
    }
    const worker = this.#workers[this.#next]!
    this.#next = (this.#next + 1) % this.#workers.length
    return worker
  }
}
