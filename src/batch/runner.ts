/**
 * @module
 * Runs batches: every item of a batch in one transaction on the main connection, in order, each
 * as the same request on its own would run (rules, hooks, validation, rate limits), dispatched by
 * the HTTP layer. The gate is held exclusive meanwhile, so no other request writes into (or reads
 * from) the open transaction. The first failing item rolls the whole batch back; work queued for
 * after the commit (realtime events, file writes) runs only once the batch committed, in item
 * order.
 *
 * Batches that arrive while one runs share its transaction, each in a savepoint of its own (a
 * failing batch is undone alone), and its one commit: fewer commits, and with several processes
 * on one database fewer hand-overs of SQLite's write lock.
 */
import type { Store } from "../db/store.ts"
import type { WriteGate } from "../db/write-gate.ts"
import { resolveAction, type ResolvedAction } from "./actions.ts"
import type { BatchItem } from "./request.ts"

/** What one item answered. */
export interface BatchItemResult {
  status: number
  body: unknown
}

/** Item `index` failed; `response` is its error answer. */
export class BatchItemError extends Error {
  constructor(
    readonly index: number,
    readonly response: unknown,
  ) {
    super(`batch request ${index} failed`)
  }
}

/** The batch ran past `batch.timeout`. */
export class BatchTimeoutError extends Error {}

/** How one batch's items are looked up and answered. */
export interface BatchItemDeps {
  recordExists: (collection: string, id: string) => boolean
  /** Runs one item as the app would answer it as a request of its own. */
  dispatch: (item: BatchItem, action: ResolvedAction) => Promise<BatchItemResult>
}

interface QueuedBatch {
  items: readonly BatchItem[]
  deps: BatchItemDeps
  deadline: number
  resolve: (results: BatchItemResult[]) => void
  reject: (error: unknown) => void
}

/**
 * Batches sharing one commit at most: bounds how long single requests of this process (held at
 * the gate) and other processes (waiting for the write lock) wait behind them.
 */
const MAX_BATCHES_PER_COMMIT = 8

// What PocketBase answers for an item no batch action matches.
const UNKNOWN_ACTION = { data: {}, message: "Something went wrong while processing your request.", status: 400 }

/** Runs the batches of one app. */
export class BatchRunner {
  readonly #store: Store
  readonly #gate: WriteGate
  #queue: QueuedBatch[] = []
  #draining = false

  constructor(store: Store, gate: WriteGate) {
    this.#store = store
    this.#gate = gate
  }

  /** Runs `items` atomically; resolves with every item's answer once committed, or rejects with the first failure. */
  run(items: readonly BatchItem[], deps: BatchItemDeps, timeoutMs: number): Promise<BatchItemResult[]> {
    const { promise, resolve, reject } = Promise.withResolvers<BatchItemResult[]>()
    this.#queue.push({ items, deps, deadline: Date.now() + timeoutMs, resolve, reject })
    if (!this.#draining) void this.#drain()
    return promise
  }

  async #drain(): Promise<void> {
    this.#draining = true
    while (this.#queue.length > 0) {
      const committed: Array<{ batch: QueuedBatch; results: BatchItemResult[] }> = []
      let begun = false
      try {
        await this.#gate.exclusive(() =>
          this.#store.transactionAsync(async () => {
            begun = true
            for (let n = 0; n < MAX_BATCHES_PER_COMMIT && this.#queue.length > 0; n++) {
              const batch = this.#queue.shift()!
              try {
                committed.push({ batch, results: await this.#store.transactionAsync(() => runItems(batch)) })
              } catch (error) {
                batch.reject(error)
              }
            }
          }),
        )
      } catch (error) {
        // The commit failed: no batch of this transaction is kept. Or the write lock never came:
        // every batch waiting for it fails.
        for (const { batch } of committed.splice(0)) batch.reject(error)
        if (!begun) for (const batch of this.#queue.splice(0)) batch.reject(error)
      }
      for (const { batch, results } of committed) batch.resolve(results)
    }
    this.#draining = false
  }
}

async function runItems({ items, deps, deadline }: QueuedBatch): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = []
  for (const [index, item] of items.entries()) {
    // Checked between items: an item cut off mid-way could finish outside the transaction.
    if (Date.now() > deadline) throw new BatchTimeoutError("batch transaction timeout")
    const action = resolveAction(item.method, item.url, item.body, deps.recordExists)
    if (!action) throw new BatchItemError(index, UNKNOWN_ACTION)
    const result = await deps.dispatch(item, action)
    if (result.status >= 400) throw new BatchItemError(index, result.body)
    results.push(result)
  }
  return results
}
