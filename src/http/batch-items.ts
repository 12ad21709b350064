/**
 * @module
 * Runs one item of a batch as the records API would answer it as a request of its own. A plain
 * JSON create, update or delete goes straight to the records service, with what the app's
 * middleware and routes would add for it (access limits and rate limits, write admission,
 * `@request.*`, the error answer) but without building a Request and reading its Response back.
 * Items the app's routing has to see go through the app as internal requests: with custom routes
 * or middlewares (`routerAdd`, `routerUse`), with files, or with a URL the router would rewrite
 * or decode first.
 */
import { getQueryParam } from "hono/utils/url"
import type { BatchItem, BatchItemResult, ResolvedAction } from "../batch/index.ts"
import type { AuthContext, RequestInfo } from "../core/types.ts"
import type { Services } from "../services.ts"
import type { ServerBindings } from "./client-ip.ts"
import { answeredError } from "./error-handler.ts"
import { checkAccessLimits } from "./middleware/rate-limit.ts"
import { headersInfo, queryInfo } from "./request-info.ts"
import { responseOptions } from "./routes/records.ts"

/** Sends a request through the app (the batch's items the records service cannot take directly). */
export type InternalFetch = (request: Request, env: ServerBindings) => Response | Promise<Response>

/** The batch request its items are run for. */
export interface BatchOrigin {
  request: Request
  env: ServerBindings
  auth: AuthContext | null
  clientIp: string
}

const INTERNAL_ORIGIN = "http://batch.internal"
// A records URL the router takes as it is: no `%` escapes for it to decode first.
const RECORDS_PATH = /^\/api\/collections\/([^/%]+)\/records(?:\/([^/%]+))?$/

/** Runs items of the batch `origin` (each once, in order, inside the batch's transaction). */
export function itemRunner(services: Services, origin: BatchOrigin, fetchInternal: InternalFetch): (item: BatchItem, action: ResolvedAction) => Promise<BatchItemResult> {
  const direct = services.routes.isEmpty
  const headers = new ItemHeaders(origin.request.headers)
  return async (item, action) => {
    const url = new URL(action.url, INTERNAL_ORIGIN)
    const path = direct && item.files.size === 0 ? RECORDS_PATH.exec(url.pathname) : null
    // Creates name no record id; updates and deletes do.
    if (!path || (path[2] === undefined) !== (action.method === "POST")) {
      const response = await fetchInternal(internalRequest(url, item, action, headers), origin.env)
      const text = await response.text()
      return { status: response.status, body: text === "" ? null : JSON.parse(text) }
    }
    try {
      const body = await runRecordAction(services, origin, action.method, { collection: path[1]!, id: path[2] ?? "", url }, item.body, headers.info(item, action.method))
      return body === undefined ? { status: 204, body: null } : { status: 200, body }
    } catch (error) {
      const answer = answeredError(error)
      return { status: answer.status, body: answer.toJSON() }
    }
  }
}

// What the records routes run for the request (after the app's access limits), with the batch's auth and client IP.
async function runRecordAction(services: Services, origin: BatchOrigin, method: ResolvedAction["method"], target: { collection: string; id: string; url: URL }, body: Record<string, unknown>, headers: Record<string, string>): Promise<unknown> {
  const { auth, clientIp: ip } = origin
  const { collection, id, url } = target
  await checkAccessLimits(services, { method, path: url.pathname, ip, auth })
  await services.realtime.admitWrite()
  const options = responseOptions((key) => getQueryParam(url.href, key) as string | undefined)
  const request: RequestInfo = { auth, context: "batch", method, query: queryInfo(url.search), headers: { ...headers }, body }
  const { recordService } = services
  if (method === "POST") return recordService.create(collection, body, options, request)
  if (method === "PATCH") return recordService.update(collection, id, body, options, request)
  return recordService.delete(collection, id, { ...request, body: {} })
}

/**
 * An item's headers: the batch's (its Authorization included), then the item's own (never its
 * Authorization), with the body's content type. `@request.headers` of items without headers of
 * their own is worked out once per batch.
 */
class ItemHeaders {
  readonly #batch: Headers
  readonly #shared = new Map<string, Record<string, string>>()

  constructor(batch: Headers) {
    this.#batch = new Headers(batch)
    for (const name of ["content-type", "content-length", "transfer-encoding"]) this.#batch.delete(name)
  }

  /** The item's headers for a request with `contentType` ("" for none). */
  of(item: BatchItem, contentType: string): Headers {
    const headers = new Headers(this.#batch)
    for (const [name, value] of Object.entries(item.headers)) {
      if (name.toLowerCase() === "authorization") continue
      try {
        headers.set(name, value)
      } catch {
        // not a valid header name or value: left out
      }
    }
    if (contentType !== "") headers.set("content-type", contentType)
    return headers
  }

  /** `@request.headers` of a JSON item. */
  info(item: BatchItem, method: ResolvedAction["method"]): Record<string, string> {
    const contentType = method === "DELETE" ? "" : "application/json"
    if (Object.keys(item.headers).length > 0) return headersInfo(this.of(item, contentType))
    let shared = this.#shared.get(contentType)
    if (!shared) this.#shared.set(contentType, (shared = headersInfo(this.of(item, contentType))))
    return shared
  }
}

function internalRequest(url: URL, item: BatchItem, action: ResolvedAction, headers: ItemHeaders): Request {
  const init: RequestInit = { method: action.method }
  if (action.method === "DELETE") init.headers = headers.of(item, "")
  else if (item.files.size === 0) {
    init.headers = headers.of(item, "application/json")
    init.body = JSON.stringify(item.body)
  } else {
    // The form sets its own content type (with the boundary).
    init.headers = headers.of(item, "")
    const form = new FormData()
    form.append("@jsonPayload", JSON.stringify(item.body))
    for (const [field, files] of item.files) for (const file of files) form.append(field, file)
    init.body = form
  }
  return new Request(url.href, init)
}
