/**
 * @module
 * `POST /api/batch`: reads the batch within `settings.batch` limits, then runs every item as this
 * app's records API answers it (see `../batch-items.ts`), with the batch's auth and client IP,
 * inside one transaction.
 */
import { Hono } from "hono"
import { ApiError, badRequest, tooLarge, type ErrorData } from "../../core/errors.ts"
import { BatchItemError, BatchTimeoutError, readBatchItems } from "../../batch/index.ts"
import { itemRunner, type InternalFetch } from "../batch-items.ts"
import { parseBody } from "../body.ts"
import type { ServerBindings } from "../client-ip.ts"
import type { HttpEnv } from "../context.ts"

/** PocketBase's batch body limit when `batch.maxBodySize` is 0 (~128 MB). */
const DEFAULT_MAX_BODY_SIZE = 128 << 20
/** Seconds a batch may take when `batch.timeout` is 0. */
const DEFAULT_TIMEOUT_SECONDS = 3

/** The batch route; `fetchInternal` is the app's own handler. */
export function batchRoutes(fetchInternal: InternalFetch): Hono<HttpEnv> {
  return new Hono<HttpEnv>().post("/", async (c) => {
    const services = c.get("services")
    const { settings, batches, collections, records, recordFiles } = services
    const limits = settings.get().batch
    if (!limits.enabled || limits.maxRequests <= 0) throw new ApiError(403, "Batch requests are not allowed.")
    const maxBodySize = limits.maxBodySize > 0 ? limits.maxBodySize : DEFAULT_MAX_BODY_SIZE
    // As for the app-wide limit: a declared size over it is a 413; an undeclared one is cut while read.
    if (Number(c.req.header("content-length") ?? "") > maxBodySize) throw tooLarge()
    const body = await parseBody(c.req.raw, maxBodySize, () =>
      badRequest("Failed to read the submitted batch data."),
    )
    const items = readBatchItems(body, limits.maxRequests)
    const clientIp = c.get("clientIp")
    const env: ServerBindings = { ...c.env, batch: { clientIp } }
    const dispatch = itemRunner(services, { request: c.req.raw, env, auth: c.get("auth"), clientIp }, fetchInternal)
    const recordExists = (idOrName: string, id: string) => {
      const collection = collections.find(idOrName)
      return collection !== undefined && records.findById(collection, id) !== null
    }
    const timeoutMs = (limits.timeout > 0 ? limits.timeout : DEFAULT_TIMEOUT_SECONDS) * 1000
    try {
      return c.json(await batches.run(items, { recordExists, dispatch }, timeoutMs))
    } catch (error) {
      if (error instanceof BatchItemError) {
        const failure = { code: "batch_request_failed", message: "Batch request failed.", response: error.response }
        throw new ApiError(400, "Batch transaction failed.", { requests: { [String(error.index)]: failure as unknown as ErrorData } }, { cause: error })
      }
      if (error instanceof BatchTimeoutError) throw new ApiError(400, "Batch transaction failed.", {}, { cause: error })
      throw error
    } finally {
      // Files the batch dropped (once it committed) or uploaded in vain (once it rolled back) are gone before the answer.
      await recordFiles.settled()
    }
  })
}
