/**
 * @module
 * One request as PocketBase logs it: the message `METHOD /decoded/uri`, level error for failed
 * requests (info otherwise), and the data keys PocketBase writes (auth, execTime, ip, ...),
 * subject to `logs.logIP` and `logs.logAuthId`.
 */
import { formatDateTime } from "../core/clock.ts"
import { newRecordId } from "../core/ids.ts"
import type { LogsSettings } from "../settings/index.ts"
import type { LogRow } from "./log-store.ts"
import { LOG_LEVELS, limitedJson, type Logger } from "./logger.ts"

/** What the HTTP layer knows about a finished request. */
export interface RequestSummary {
  method: string
  /** Path and query, as received. */
  url: string
  status: number
  execTimeMs: number
  /** Name of the auth record's collection ("" for guests). */
  authCollection: string
  authId: string
  /** The client address after the trusted-proxy rules. */
  userIP: string
  /** The socket peer's address. */
  remoteIP: string
  referer: string
  userAgent: string
  /** The error the request failed with, if any. */
  error?: { message: string; details: unknown }
}

const cut = (text: string, max: number): string => (text.length > max ? text.slice(0, max) : text)

/**
 * A request as queued: the summary with the settings of the moment applied (addresses and auth
 * id left out when they are not logged), its row composed later by the writer thread.
 */
export interface LoggedRequest extends Omit<RequestSummary, "userIP" | "remoteIP" | "authId"> {
  level: number
  /** When it was logged (ms since the epoch). */
  at: number
  userIP?: string
  remoteIP?: string
  authId?: string
  maxDataSize: number
}

/** Queues the log entry of one request (nothing when logging is off or below `minLevel`). */
export function logRequest(logger: Logger, settings: Readonly<LogsSettings>, request: RequestSummary): void {
  const failed = request.error !== undefined || request.status >= 400
  const level = failed ? LOG_LEVELS.error : LOG_LEVELS.info
  if (!logger.accepts(level)) return
  const { userIP, remoteIP, authId, ...rest } = request
  const queued: LoggedRequest = { ...rest, level, at: Date.now(), maxDataSize: settings.maxDataSize }
  if (settings.logIP) {
    queued.userIP = userIP
    queued.remoteIP = remoteIP
  }
  if (request.authCollection !== "" && settings.logAuthId) queued.authId = authId
  logger.queueRequest(queued)
}

/** The stored row of a queued request: PocketBase's message, level and data keys. */
export function requestRow(request: LoggedRequest): LogRow {
  const failed = request.level === LOG_LEVELS.error
  const method = cut(request.method.toUpperCase(), 50)
  const url = cut(request.url, 3000)
  // Keys in PocketBase's (alphabetical) order.
  const data: Record<string, unknown> = { auth: request.authCollection }
  if (request.authId !== undefined) data.authId = request.authId
  if (failed) {
    data.details = request.error?.details ?? null
    data.error = request.error?.message ?? ""
  }
  data.execTime = request.execTimeMs
  data.method = method
  data.referer = cut(request.referer, 2000)
  if (request.remoteIP !== undefined) data.remoteIP = request.remoteIP
  data.status = request.status
  data.type = "request"
  data.url = url
  data.userAgent = cut(request.userAgent, 2000)
  if (request.userIP !== undefined) data.userIP = request.userIP
  return { id: newRecordId(), created: formatDateTime(new Date(request.at)), level: request.level, message: `${method} ${safeDecode(url)}`, data: limitedJson(data, request.maxDataSize) }
}

function safeDecode(uri: string): string {
  try {
    return decodeURIComponent(uri)
  } catch {
    return uri
  }
}
