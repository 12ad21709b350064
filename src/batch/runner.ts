/**
 * @module
 * Runs a batch: every item in one transaction on the main connection, in order, each through the
 * same route as a single request (rules, hooks, validation, rate limits), dispatched by the HTTP
 * layer. The gate is held exclusive meanwhile, so no other request writes into (or reads from)
 * the open transaction. The first failing item rolls everything back; work queued for after the
 * commit (realtime events, file writes) runs only when the whole batch commits, in item order.
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

export interface BatchRunDeps {
  store: Store
  gate: WriteGate
  recordExists: (collection: string, id: string) => boolean
  /** Sends one item through the app's routes and reads its answer. */
  dispatch: (item: BatchItem, action: ResolvedAction) => Promise<BatchItemResult>
}

// What PocketBase answers for an item no batch action matches.
const UNKNOWN_ACTION = { data: {}, message: "Something went wrong while processing your request.", status: 400 }

/** Runs `items` atomically; resolves with every item's answer, or rejects with the first failure. */
export function runBatch(items: readonly BatchItem[], deps: BatchRunDeps, timeoutMs: number): Promise<BatchItemResult[]> {
  const deadline = Date.now() + timeoutMs
  return deps.gate.exclusive(() =>
    deps.store.transactionAsync(async () => {
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
    }),
  )
}
