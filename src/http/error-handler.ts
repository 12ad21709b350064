/**
 * @module
 * The one place errors become responses: `ApiError` renders as itself; anything else is logged
 * and answered with a generic 500 so no stack trace or internal message reaches a client.
 */
import { ApiError, internalError } from "../core/errors.ts"
import { jsonWithSortedKeys } from "../core/sorted-json.ts"

/** JSON response in PocketBase's error shape. */
export function errorResponse(error: ApiError): Response {
  // `Response.json` would add `;charset=utf-8`; PocketBase (and our other answers) send plain `application/json`.
  // PocketBase writes validation errors as maps, so the field names inside `data` come in byte order.
  return new Response(jsonWithSortedKeys(error.toJSON()), { status: error.status, headers: { "content-type": "application/json" } })
}

/** Maps any thrown value to a response; unexpected errors are logged with their cause. */
export function handleError(error: unknown): Response {
  return errorResponse(answeredError(error))
}

/** The `ApiError` any thrown value is answered with; unexpected errors are logged with their cause. */
export function answeredError(error: unknown): ApiError {
  if (error instanceof ApiError) {
    if (error.status >= 500) console.error("request failed:", error.cause ?? error)
    return error
  }
  console.error("unexpected error:", error)
  return internalError(error)
}
