/**
 * @module
 * The bridge's side of the source: a service-account subscription to `<collection>/*` for every
 * route through the official SDK, reconnected with capped exponential backoff and jitter (the
 * SDK's own retries are turned off so there is one policy), plus the two questions asked with a
 * user's own token: who is this, and may they view that record.
 */
import { EventSource } from "eventsource"
import PocketBase from "pocketbase"
import type { BridgeConfig } from "./config.ts"
import type { Logger } from "./log.ts"
import { expandsFor } from "./rooms.ts"

// The SDK opens `new EventSource(url)` from the global scope; Bun has none.
;(globalThis as { EventSource?: unknown }).EventSource ??= EventSource

/** A record event as the source sends it. */
export interface SourceEvent {
  collection: string
  action: "create" | "update" | "delete"
  record: Record<string, unknown>
}

/** Delay before reconnect attempt `attempt` (0-based): doubling from `baseMs`, capped at `maxMs`, with "equal jitter" (half fixed, half random). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return ceiling / 2 + random() * (ceiling / 2)
}

/** Keeps one live subscription to every routed collection; `stop` ends it. */
export class SourceSubscription {
  readonly #config: BridgeConfig
  readonly #onEvent: (event: SourceEvent) => void
  readonly #log: Logger
  readonly #onState: (connected: boolean, reconnect: boolean) => void
  #client: PocketBase | null = null
  #attempt = 0
  #timer: Timer | null = null
  #stopped = false
  #connectedOnce = false

  constructor(config: BridgeConfig, handlers: { onEvent(event: SourceEvent): void; onState(connected: boolean, reconnect: boolean): void; log: Logger }) {
    this.#config = config
    this.#onEvent = handlers.onEvent
    this.#onState = handlers.onState
    this.#log = handlers.log
  }

  /** Starts connecting; resolves after the first attempt (connected or not: retries go on). */
  async start(): Promise<void> {
    await this.#connect()
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return
    const { source, routes } = this.#config
    const client = new PocketBase(source.url)
    client.autoCancellation(false)
    // One retry policy, ours: the SDK gives up at once and tells us through onDisconnect.
    ;(client.realtime as unknown as { maxReconnectAttempts: number }).maxReconnectAttempts = -1
    this.#client = client
    try {
      await client.collection(source.collection).authWithPassword(source.email, source.password)
      for (const route of routes) {
        const expand = expandsFor(route.rooms)
        await client.collection(route.collection).subscribe(
          "*",
          (event) => this.#onEvent({ collection: route.collection, action: event.action as SourceEvent["action"], record: event.record as Record<string, unknown> }),
          expand.length > 0 ? { expand: expand.join(",") } : undefined,
        )
      }
    } catch (error) {
      this.#log("warn", "source subscription failed", { url: source.url, attempt: this.#attempt, error: String((error as Error).message ?? error) })
      this.#retry(client)
      return
    }
    if (this.#stopped || client !== this.#client) return void client.realtime.unsubscribe().catch(() => {})
    client.realtime.onDisconnect = () => {
      if (client !== this.#client || this.#stopped) return
      this.#log("warn", "source subscription lost", { url: source.url })
      this.#onState(false, false)
      this.#retry(client)
    }
    const reconnect = this.#connectedOnce
    this.#connectedOnce = true
    this.#attempt = 0
    this.#log("info", reconnect ? "source subscription restored" : "source subscription live", { url: source.url, collections: routes.map((r) => r.collection) })
    this.#onState(true, reconnect)
  }

  #retry(client: PocketBase): void {
    client.realtime.onDisconnect = undefined
    void client.realtime.unsubscribe().catch(() => {})
    if (this.#stopped) return
    const delay = backoffDelay(this.#attempt++, this.#config.reconnect.baseMs, this.#config.reconnect.maxMs)
    this.#timer = setTimeout(() => void this.#connect(), delay)
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    const client = this.#client
    this.#client = null
    if (client) {
      client.realtime.onDisconnect = undefined
      void client.realtime.unsubscribe().catch(() => {})
    }
  }
}

/** The user record a token stands for on the source, or null (invalid, expired, not an auth token). */
export async function identifyOnSource(sourceUrl: string, token: string): Promise<Record<string, unknown> | null> {
  const collectionId = tokenCollection(token)
  if (collectionId === null) return null
  const response = await fetch(`${sourceUrl}/api/collections/${encodeURIComponent(collectionId)}/auth-refresh`, {
    method: "POST",
    headers: { Authorization: token },
  })
  if (!response.ok) return null
  const body = (await response.json()) as { record?: Record<string, unknown> }
  return body.record ?? null
}

/** Whether the holder of `token` may view record `id` of `collection` on the source. */
export async function mayViewOnSource(sourceUrl: string, token: string, collection: string, id: string): Promise<boolean> {
  const url = `${sourceUrl}/api/collections/${encodeURIComponent(collection)}/records/${encodeURIComponent(id)}?fields=id`
  const response = await fetch(url, { headers: { Authorization: token } })
  await response.arrayBuffer()
  return response.status === 200
}

/** The `collectionId` claim of an auth token (unverified: the source verifies it), or null. */
function tokenCollection(token: string): string | null {
  const payload = token.split(".")[1]
  if (!payload) return null
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { type?: unknown; collectionId?: unknown }
    return claims.type === "auth" && typeof claims.collectionId === "string" && claims.collectionId !== "" ? claims.collectionId : null
  } catch {
    return null
  }
}
