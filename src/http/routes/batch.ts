/**
 * @module
 * `POST /api/batch`: reads the batch within `settings.batch` limits, then runs every item through
 * this app's own routes (as an internal request carrying the batch's auth and client IP) inside
 * one transaction.
 */
import { Hono } from "hono"
import { ApiError, badRequest, type ErrorData } from "../../core/errors.ts"
import { BatchItemError, BatchTimeoutError, readBatchItems, runBatch, type BatchItem, type BatchItemResult, type ResolvedAction } from "../../batch/index.ts"
import { parseBody } from "../body.ts"
import type { ServerBindings } from "../client-ip.ts"
import type { HttpEnv } from "../context.ts"

/** PocketBase's batch body limit when `batch.maxBodySize` is 0 (~128 MB). */
const DEFAULT_MAX_BODY_SIZE = 128 << 20
/** Seconds a batch may take when `batch.timeout` is 0. */
const DEFAULT_TIMEOUT_SECONDS = 3

/** Sends a request through the app (the batch's items). */
export type InternalFetch = (request: Request, env: ServerBindings) => Response | Promise<Response>

/** The batch route; `fetchInternal` is the app's own handler. */
export function batchRoutes(fetchInternal: InternalFetch): Hono<HttpEnv> {
  return new Hono<HttpEnv>().post("/", async (c) => {
    const { settings, store, writeGate, collections, records } = c.get("services")
    const limits = settings.get().batch
    if (!limits.enabled || limits.maxRequests <= 0) throw new ApiError(403, "Batch requests are not allowed.")
    const body = await parseBody(c.req.raw, limits.maxBodySize > 0 ? limits.maxBodySize : DEFAULT_MAX_BODY_SIZE, () =>
      badRequest("Failed to read the submitted batch data."),
    )
    const items = readBatchItems(body, limits.maxRequests)
    const env: ServerBindings = { ...c.env, batch: { clientIp: c.get("clientIp") } }
    const dispatch = async (item: BatchItem, action: ResolvedAction): Promise<BatchItemResult> => {
      const response = await fetchInternal(internalRequest(c.req.raw, item, action), env)
      const text = await response.text()
      return { status: response.status, body: text === "" ? null : JSON.parse(text) }
    }
    const recordExists = (idOrName: string, id: string) => {
      const collection = collections.find(idOrName)
      return collection !== undefined && records.findById(collection, id) !== null
    }
    const timeoutMs = (limits.timeout > 0 ? limits.timeout : DEFAULT_TIMEOUT_SECONDS) * 1000
    try {
      return c.json(await runBatch(items, { store, gate: writeGate, recordExists, dispatch }, timeoutMs))
    } catch (error) {
      if (error instanceof BatchItemError) {
        const failure = { code: "batch_request_failed", message: "Batch request failed.", response: error.response }
        throw new ApiError(400, "Batch transaction failed.", { requests: { [String(error.index)]: failure as unknown as ErrorData } }, { cause: error })
      }
      if (error instanceof BatchTimeoutError) throw new ApiError(400, "Batch transaction failed.", {}, { cause: error })
      throw error
    }
  })
}

// The batch's headers (its Authorization included), then the item's own (never its Authorization).
function internalRequest(batch: Request, item: BatchItem, action: ResolvedAction): Request {
  const headers = new Headers(batch.headers)
  for (const name of ["content-type", "content-length", "transfer-encoding"]) headers.delete(name)
  for (const [name, value] of Object.entries(item.headers)) {
    if (name.toLowerCase() === "authorization") continue
    try {
      headers.set(name, value)
    } catch {
      // not a valid header name or value: left out
    }
  }
  const init: RequestInit = { method: action.method, headers }
  if (action.method !== "DELETE") {
    if (item.files.size === 0) {
      headers.set("content-type", "application/json")
      init.body = JSON.stringify(item.body)
    } else {
      const form = new FormData()
      form.append("@jsonPayload", JSON.stringify(item.body))
      for (const [field, files] of item.files) for (const file of files) form.append(field, file)
      init.body = form
    }
  }
  return new Request(new URL(action.url, "http://batch.internal").href, init)
}
