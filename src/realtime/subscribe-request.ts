/**
 * @module
 * `POST /api/realtime` on this process: body binding, field validation, the client lookup, its
 * IP and the auth-binding rule, each failing with PocketBase's exact `ApiError`; then the
 * `onRealtimeSubscribeRequest` hook around replacing the client's subscriptions.
 */
import { ApiError, badRequest, fieldError, forbidden, type ErrorData } from "../core/errors.ts"
import type { AuthContext } from "../core/types.ts"
import { RealtimeSubscribeRequestEvent, type Hook } from "../hooks/index.ts"
import { STORE_IP } from "./client.ts"
import type { Hub } from "./hub.ts"

/** What a POST to `/api/realtime` needs from the request. */
export interface SubscribeRequest {
  /** The decoded body (JSON, or form fields as an object); null/undefined for an empty body. */
  body: unknown
  /** The request's real IP (trusted-proxy aware). */
  ip: string
  /** The request auth resolved by the auth middleware (guest: null). */
  auth: AuthContext | null
}

/** The subscribe hook as the realtime module triggers it. */
export type SubscribeHook = Hook<RealtimeSubscribeRequestEvent>

/**
 * Applies a POST to a client of this process: bind, validate, find the client, check its IP
 * and the auth binding, then run the hook around binding the auth and replacing the whole set.
 * Throws the `ApiError` to answer with.
 */
export function applySubscriptions(hub: Hub, hook: SubscribeHook, request: SubscribeRequest): void | Promise<void> {
  const body = bindSubscribeBody(request.body)
  if (body instanceof ApiError) throw body
  const invalid = validateSubscribeBody(body)
  if (invalid) throw invalid
  const client = hub.clientById(body.clientId)
  if (!client) throw missingClient()
  const storedIp = client.get(STORE_IP)
  if (typeof storedIp === "string" && storedIp !== "" && storedIp !== request.ip) throw invalidClient()
  if (!authBindingAllowed(client.auth, request.auth)) throw authMismatch()
  const event = new RealtimeSubscribeRequestEvent(client, body.subscriptions, request.auth)
  return hook.trigger(event, (e) => {
    e.client.auth = e.auth
    e.client.unsubscribe()
    e.client.subscribe(...e.subscriptions)
  })
}

/** `clientId` length bounds, in UTF-8 bytes. */
export const CLIENT_ID_MAX_BYTES = 255
/** Most subscriptions one POST may set (1001 is rejected). */
export const MAX_SUBSCRIPTIONS = 1000
/** Longest subscription key, in UTF-8 bytes (2501 is rejected). */
export const MAX_TOPIC_BYTES = 2500

/** The bound POST body. */
export interface SubscribeBody {
  clientId: string
  subscriptions: string[]
}

/**
 * Binds an already-decoded body (JSON or form fields turned into an object by the route).
 * Missing or null fields become `""`/`[]`, unknown keys are ignored, and any type mismatch is a
 * bind error: 400 with `data: {}`.
 */
export function bindSubscribeBody(body: unknown): SubscribeBody | ApiError {
  if (body === undefined || body === null) return { clientId: "", subscriptions: [] }
  if (typeof body !== "object" || Array.isArray(body)) return badRequest()
  const { clientId, subscriptions } = body as Record<string, unknown>
  if (clientId != null && typeof clientId !== "string") return badRequest()
  if (subscriptions != null) {
    if (!Array.isArray(subscriptions)) return badRequest()
    // Go decodes a JSON null element of a []string as "", so only other types fail.
    if (!subscriptions.every((s) => s === null || typeof s === "string")) return badRequest()
  }
  return {
    clientId: (clientId as string | null | undefined) ?? "",
    subscriptions: ((subscriptions as Array<string | null> | null | undefined) ?? []).map((s) => s ?? ""),
  }
}

/**
 * Field validation; both fields are checked and both errors can appear together. When the list
 * is too long its items are not checked.
 */
export function validateSubscribeBody(body: SubscribeBody): ApiError | null {
  const data: ErrorData = {}
  const idBytes = Buffer.byteLength(body.clientId, "utf8")
  if (idBytes === 0) {
    data.clientId = fieldError("validation_required", "Cannot be blank.")
  } else if (idBytes > CLIENT_ID_MAX_BYTES) {
    data.clientId = fieldError("validation_length_out_of_range", "The length must be between 1 and 255.", {
      max: CLIENT_ID_MAX_BYTES,
      min: 1,
    })
  }
  if (body.subscriptions.length > MAX_SUBSCRIPTIONS) {
    data.subscriptions = fieldError("validation_length_too_long", "The length must be no more than 1000.", {
      max: MAX_SUBSCRIPTIONS,
      min: 0,
    })
  } else {
    const items: ErrorData = {}
    body.subscriptions.forEach((topic, index) => {
      if (Buffer.byteLength(topic, "utf8") > MAX_TOPIC_BYTES) {
        items[String(index)] = fieldError("validation_length_too_long", "The length must be no more than 2500.", {
          max: MAX_TOPIC_BYTES,
          min: 0,
        })
      }
    })
    if (Object.keys(items).length > 0) data.subscriptions = items
  }
  return Object.keys(data).length > 0 ? badRequest(undefined, data) : null
}

/**
 * Whether a request's auth may be bound over the stored one: a guest client accepts anyone;
 * an authenticated client only the same record of the same collection.
 */
export function authBindingAllowed(stored: AuthContext | null, request: AuthContext | null): boolean {
  if (stored === null) return true
  if (request === null) return false
  return request.record.id === stored.record.id && request.collection.id === stored.collection.id
}

/** 404 for an unknown client id. */
export const missingClient = (): ApiError => new ApiError(404, "Missing or invalid client id.")
/** 400 when the POST comes from another IP than the stream. */
export const invalidClient = (): ApiError => badRequest("Invalid realtime client.")
/** 403 when the request's auth may not replace the bound one. */
export const authMismatch = (): ApiError => forbidden("The current and the previous request authorization don't match.")
