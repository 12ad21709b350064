/**
 * @module
 * The one error type that reaches the wire, in PocketBase's `{status, message, data}` shape.
 * Leaf modules throw their own errors; services translate them into `ApiError`.
 */

/** Field-level validation error, as PocketBase renders it inside `data`. */
export interface FieldError {
  code: string
  message: string
  params?: Record<string, unknown>
}

/** A (possibly nested) map of field errors keyed by field name or index. */
export type ErrorData = { [key: string]: FieldError | ErrorData }

/** Upper-cases the first letter and ends the text with a full stop, as PocketBase does. */
export function sentenize(text: string): string {
  if (text === "") return text
  const first = text[0]!.toUpperCase() + text.slice(1)
  return /[.?!]$/.test(first) ? first : `${first}.`
}

/** An error the HTTP layer renders as `{status, message, data}`; `cause` never leaves the server. */
export class ApiError extends Error {
  readonly status: number
  readonly data: ErrorData

  constructor(status: number, message: string, data: ErrorData = {}, options?: { cause?: unknown }) {
    super(sentenize(message), options)
    this.status = status
    this.data = data
  }

  toJSON(): { data: ErrorData; message: string; status: number } {
    return { data: this.data, message: this.message, status: this.status }
  }
}

/** Makes one field error with PocketBase's sentenized message. */
export function fieldError(code: string, message: string, params?: Record<string, unknown>): FieldError {
  const error: FieldError = { code, message: sentenize(message) }
  if (params && Object.keys(params).length > 0) error.params = params
  return error
}

/** A validation failure inside a leaf module, carrying field errors; services wrap it into a 400. */
export class ValidationError extends Error {
  readonly data: ErrorData
  constructor(data: ErrorData) {
    super("validation failed")
    this.data = data
  }
}

export const badRequest = (message = "Something went wrong while processing your request.", data: ErrorData = {}) =>
  new ApiError(400, message, data)
export const forbidden = (message = "You are not allowed to perform this request.") => new ApiError(403, message)
export const notFound = (message = "The requested resource wasn't found.") => new ApiError(404, message)
export const tooLarge = (message = "Request entity too large.") => new ApiError(413, message)
export const tooManyRequests = (message = "Too Many Requests.") => new ApiError(429, message)
export const internalError = (cause?: unknown) =>
  new ApiError(500, "Something went wrong while processing your request.", {}, { cause })
