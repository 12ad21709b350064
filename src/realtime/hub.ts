/**
 * @module
 * The realtime hub: the registry of connected clients, send hooks, counters, custom-message
 * publishing, the POST subscription flow and record-event fan-out. Framework-free: routes map
 * its results to HTTP, and the records layer plugs in through `RecordAccess`.
 */
import { ApiError } from "../core/errors.ts"
import type { AuthContext, Collection, RecordData } from "../core/types.ts"
import { demoteAuthCollection, demoteAuthRecord, authSecretChanged, refreshAuthRecord } from "./auth-maintenance.ts"
import { Client, STORE_IP, type ClientObserver, type ClientOptions } from "./client.ts"
import { DeliveryQueue } from "./delivery-queue.ts"
import { decideFanout, deliverFanout, groupSubscribers, type RecordAccess, type RecordEvent } from "./record-fanout.ts"
import { encodeFrameTail, hasLineBreak, type Message } from "./sse.ts"
import {
  authBindingAllowed,
  authMismatch,
  bindSubscribeBody,
  invalidClient,
  missingClient,
  validateSubscribeBody,
} from "./subscribe-request.ts"

/**
 * Runs before every frame is queued (PB_CONNECT included). Return nothing to send the message
 * unchanged, a message to send instead, or null to skip it. Throwing disconnects the client.
 */
export type MessageSendHook = (client: Client, message: Message) => Message | null | void

/**
 * Runs after a POST passed every check. Return a replacement list or nothing;
 * throw an `ApiError` to answer with it.
 */
export type SubscribeRequestHook = (client: Client, subscriptions: string[]) => string[] | void

/** Hub construction options. */
export interface HubOptions {
  /** Outbound queue cap for clients the hub creates. @default 1 MiB */
  bufferBytes?: number
  /** Receives errors from hooks and deliveries, which never reach producers. @default console.error */
  onError?: (error: unknown) => void
}

/** Counters for monitoring. */
export interface HubStats {
  clients: number
  subscriptions: number
  /** Record events and custom messages received. */
  eventsIn: number
  /** Message frames queued to clients (heartbeats excluded). */
  framesOut: number
  /** Clients disconnected because their outbound queue overflowed. */
  droppedSlowClients: number
}

/** What a POST to `/api/realtime` needs from the request. */
export interface SubscribeRequest {
  /** The decoded body (JSON, or form fields as an object); null/undefined for an empty body. */
  body: unknown
  /** The request's real IP (trusted-proxy aware). */
  ip: string
  /** The request auth resolved by the auth middleware (guest: null). */
  auth: AuthContext | null
}

/** Outcome of a POST: the updated client, or the error to answer with. */
export type SubscribeOutcome = { ok: true; client: Client } | { ok: false; error: ApiError }

/** The registry of realtime clients and everything that sends to them. */
export class Hub {
  readonly #clients = new Map<string, Client>()
  readonly #sendHooks: MessageSendHook[] = []
  readonly #subscribeHooks: SubscribeRequestHook[] = []
  readonly #deliveries: DeliveryQueue
  readonly #bufferBytes: number | undefined
  readonly #onError: (error: unknown) => void
  readonly #observer: ClientObserver
  #eventsIn = 0
  #framesOut = 0
  #dropped = 0

  constructor(options: HubOptions = {}) {
    this.#bufferBytes = options.bufferBytes
    this.#onError = options.onError ?? ((error) => console.error("realtime:", error))
    this.#deliveries = new DeliveryQueue(this.#onError)
    this.#observer = {
      beforeSend: (client, message) => {
        try {
          return this.#runSendHooks(client, message)
        } catch (error) {
          // The client disconnects on a throwing hook; still tell the operator why.
          this.#onError(error)
          throw error
        }
      },
      queued: () => void this.#framesOut++,
      overflowed: () => void this.#dropped++,
      // Discarded anywhere (overflow, hook error, transport): leave the registry at once.
      discarded: (client) => {
        if (this.#clients.get(client.id) === client) this.#clients.delete(client.id)
      },
    }
  }

  /** A new, unregistered client using the hub's default queue cap. */
  createClient(options: ClientOptions = {}): Client {
    return new Client({ bufferBytes: this.#bufferBytes, ...options })
  }

  /** Stores the client under its id (overwriting any other) and routes its sends through the hooks. */
  register(client: Client): void {
    client.observe(this.#observer)
    this.#clients.set(client.id, client)
  }

  /** Discards and removes the client; unknown ids are a no-op. Its stream ends and frees its timers. */
  unregister(id: string): void {
    const client = this.#clients.get(id)
    if (!client) return
    this.#clients.delete(id)
    client.discard()
  }

  /** The registered client with this id, or undefined. */
  clientById(id: string): Client | undefined {
    return this.#clients.get(id)
  }

  /** A copy of the registry; changing it does not affect the hub. */
  clients(): Map<string, Client> {
    return new Map(this.#clients)
  }

  /** The clients in slices of at most `size` (0 clients → 0 chunks). */
  chunkedClients(size: number): Client[][] {
    const all = [...this.#clients.values()]
    const chunks: Client[][] = []
    for (let i = 0; i < all.length; i += Math.max(1, size)) chunks.push(all.slice(i, i + Math.max(1, size)))
    return chunks
  }

  /** Number of registered clients. */
  totalClients(): number {
    return this.#clients.size
  }

  /** Current counters. */
  stats(): HubStats {
    let subscriptions = 0
    for (const client of this.#clients.values()) subscriptions += client.subscriptionCount
    return {
      clients: this.#clients.size,
      subscriptions,
      eventsIn: this.#eventsIn,
      framesOut: this.#framesOut,
      droppedSlowClients: this.#dropped,
    }
  }

  /** Adds a send hook (filter, enrich or skip outgoing messages); returns its remover. */
  onMessageSend(hook: MessageSendHook): () => void {
    return addHook(this.#sendHooks, hook)
  }

  /** Adds a subscribe-request hook; returns its remover. */
  onSubscribeRequest(hook: SubscribeRequestHook): () => void {
    return addHook(this.#subscribeHooks, hook)
  }

  /**
   * Sends a custom message to every client holding exactly `topic` (options suffix included).
   * `data` is JSON-encoded once; the frames are written after any record events
   * still being decided.
   */
  publish(topic: string, data: unknown): void {
    if (hasLineBreak(topic)) throw new TypeError("realtime topic must not contain line breaks")
    this.#eventsIn++
    const message: Message = { name: topic, data: JSON.stringify(data) ?? "null" }
    this.#deliveries.run(null, () => {
      const tail = encodeFrameTail(message)
      for (const client of this.#clients.values()) {
        if (client.hasSubscription(topic)) client.sendEncoded(message, tail)
      }
    })
  }

  /**
   * Applies a `POST /api/realtime` body: bind, validate, find the client, check its IP and the
   * auth binding, run subscribe hooks, then bind the auth and replace the whole set.
   */
  applySubscriptions(request: SubscribeRequest): SubscribeOutcome {
    const body = bindSubscribeBody(request.body)
    if (body instanceof ApiError) return { ok: false, error: body }
    const invalid = validateSubscribeBody(body)
    if (invalid) return { ok: false, error: invalid }
    const client = this.#clients.get(body.clientId)
    if (!client) return { ok: false, error: missingClient() }
    const storedIp = client.get(STORE_IP)
    if (typeof storedIp === "string" && storedIp !== "" && storedIp !== request.ip) return { ok: false, error: invalidClient() }
    if (!authBindingAllowed(client.auth, request.auth)) return { ok: false, error: authMismatch() }
    let subscriptions = body.subscriptions
    for (const hook of this.#subscribeHooks) {
      try {
        subscriptions = hook(client, subscriptions) ?? subscriptions
      } catch (error) {
        if (error instanceof ApiError) return { ok: false, error }
        throw error
      }
    }
    client.auth = request.auth
    client.unsubscribe()
    client.subscribe(...subscriptions)
    return { ok: true, client }
  }

  /**
   * Fans a committed record event out to every matching subscription. Auth collections also
   * keep bound identities current: an update refreshes them before the checks, a
   * delete demotes them after (the deleted user still sees its own delete, as in PocketBase).
   */
  broadcastRecordEvent(event: RecordEvent, access: RecordAccess): void {
    if (event.action === "update" && event.collection.type === "auth") this.refreshAuthRecord(event.collection, event.record)
    this.#eventsIn++
    // Subscribers and their auth are taken before a deleted auth record demotes its clients.
    const plan = decideFanout(groupSubscribers(this.#clients.values(), event), event, access)
    if (event.action === "delete" && event.collection.type === "auth") {
      demoteAuthRecord(this.#clients.values(), event.collection, event.record.id)
    }
    this.#deliveries.run(plan, deliverFanout)
  }

  /** Replaces or clears the auth bound to an updated auth record (see `refreshAuthRecord`). */
  refreshAuthRecord(collection: Collection, record: RecordData): number {
    return refreshAuthRecord(this.#clients.values(), collection, record)
  }

  /** Demotes clients bound to a deleted auth record to guests. */
  demoteAuthRecord(collection: Pick<Collection, "name">, recordId: unknown): number {
    return demoteAuthRecord(this.#clients.values(), collection, recordId)
  }

  /** Applies a collection update/delete: a changed token secret or a deleted auth collection demotes its clients. */
  applyCollectionChange(
    change: { action: "update"; collection: Collection; previous: Collection } | { action: "delete"; collection: Collection },
  ): number {
    if (change.collection.type !== "auth" && !(change.action === "update" && change.previous.type === "auth")) return 0
    if (change.action === "update" && !authSecretChanged(change.previous, change.collection)) return 0
    return demoteAuthCollection(this.#clients.values(), change.collection.id)
  }

  /** Hands an error from code around the hub (streams, callbacks) to the configured `onError`. */
  reportError(error: unknown): void {
    this.#onError(error)
  }

  /** Resolves once every record event scheduled so far has been delivered. */
  idle(): Promise<void> {
    return this.#deliveries.idle()
  }

  /** Unregisters every client; their streams end cleanly (server shutdown). */
  closeAll(): void {
    for (const id of [...this.#clients.keys()]) this.unregister(id)
  }

  #runSendHooks(client: Client, message: Message): Message | null {
    let current = message
    for (const hook of this.#sendHooks) {
      const next = hook(client, current)
      if (next === null) return null
      if (next !== undefined) current = next
    }
    if (current !== message && (hasLineBreak(current.name) || hasLineBreak(current.data))) {
      throw new TypeError("realtime message must not contain line breaks")
    }
    return current
  }
}

function addHook<T>(list: T[], hook: T): () => void {
  list.push(hook)
  return () => {
    const i = list.indexOf(hook)
    if (i !== -1) list.splice(i, 1)
  }
}
