/**
 * @module
 * Reads a batch request as PocketBase does: `{requests: [{method, url, headers, body}]}` as JSON,
 * or multipart with that object in `@jsonPayload` and each item's files under
 * `requests.<i>.<field>` (or `requests[<i>].<field>`); then validates the list and each item.
 */
import { badRequest, fieldError, type ErrorData, type FieldError } from "../core/errors.ts"
import * as check from "../settings/checks.ts"

/** One request of a batch. */
export interface BatchItem {
  method: string
  /** Path and query, e.g. `/api/collections/posts/records?expand=author`. */
  url: string
  headers: Record<string, string>
  body: Record<string, unknown>
  /** Uploaded files by field name (`photo`, `photo+`, ...). */
  files: Map<string, File[]>
}

/** What the batch reads of a multipart form. */
export interface BatchForm {
  get(name: string): unknown
  forEach(callback: (value: unknown, key: string) => void): void
}

/** The decoded body: a JSON object, or the multipart form. */
export type BatchBody = { kind: "json"; value: Record<string, unknown> } | { kind: "form"; value: BatchForm }

const METHOD_CHECKS = [check.required, check.oneOf("GET", "POST", "PUT", "PATCH", "DELETE")]
const URL_CHECKS = [check.required, check.length(0, 2000)]

const unreadable = () => badRequest("Failed to read the submitted batch data.")

/** The items of a batch body; throws PocketBase's 400s for unreadable or invalid data. */
export function readBatchItems(body: BatchBody, maxRequests: number): BatchItem[] {
  const payload = body.kind === "json" ? body.value : jsonPayload(body.value)
  const raw = payload.requests ?? null
  if (raw !== null && !Array.isArray(raw)) throw unreadable()
  const items = (raw ?? []).map((item: unknown) => decodeItem(item))
  if (body.kind === "form") attachFiles(body.value, items)
  const listError = check.firstError(items, [check.required]) ?? (items.length > maxRequests ? tooMany(maxRequests) : null)
  if (listError) throw badRequest("Invalid batch request data.", { requests: listError })
  const itemErrors: ErrorData = {}
  for (const [i, item] of items.entries()) {
    const errors: ErrorData = {}
    const method = check.firstError(item.method, METHOD_CHECKS)
    if (method) errors.method = method
    const url = check.firstError(item.url, URL_CHECKS)
    if (url) errors.url = url
    if (Object.keys(errors).length > 0) itemErrors[String(i)] = errors
  }
  if (Object.keys(itemErrors).length > 0) throw badRequest("Invalid batch request data.", { requests: itemErrors })
  return items
}

const tooMany = (max: number): FieldError => fieldError("validation_length_too_long", `The length must be no more than ${max}.`, { max, min: 0 })

function jsonPayload(form: BatchForm): Record<string, unknown> {
  const text = form.get("@jsonPayload")
  if (text === null) return {}
  try {
    const value: unknown = JSON.parse(typeof text === "string" ? text : "")
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // answered below
  }
  throw unreadable()
}

function decodeItem(raw: unknown): BatchItem {
  if (raw === null) return { method: "", url: "", headers: {}, body: {}, files: new Map() }
  if (typeof raw !== "object" || Array.isArray(raw)) throw unreadable()
  const item = raw as Record<string, unknown>
  const text = (value: unknown) => {
    if (value === undefined || value === null) return ""
    if (typeof value !== "string") throw unreadable()
    return value
  }
  const headers = item.headers ?? {}
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) throw unreadable()
  const body = item.body ?? {}
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw unreadable()
  return {
    method: text(item.method),
    url: text(item.url),
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, text(value)])),
    body: body as Record<string, unknown>,
    files: new Map(),
  }
}

function attachFiles(form: BatchForm, items: BatchItem[]): void {
  form.forEach((value, key) => {
    if (!(value instanceof File)) return
    const match = /^requests(?:\.(\d+)\.|\[(\d+)\]\.)(.+)$/.exec(key)
    const item = match ? items[Number(match[1] ?? match[2])] : undefined
    if (!match || !item) return
    const field = match[3]!
    item.files.set(field, [...(item.files.get(field) ?? []), value])
  })
}
