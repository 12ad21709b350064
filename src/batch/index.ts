/**
 * @module
 * The batch feature's public face: reading a batch request and running it atomically.
 */
export { readBatchItems, type BatchBody, type BatchItem } from "./request.ts"
export { BatchRunner, BatchItemError, BatchTimeoutError, type BatchItemResult, type BatchItemDeps } from "./runner.ts"
export type { ResolvedAction } from "./actions.ts"
