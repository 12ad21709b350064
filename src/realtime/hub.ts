/**
 * @module
 * The realtime hub: the registry of connected clients and the topic index (which clients hold
 * subscriptions under which base), plus the counters. It decides nothing about records, auth or
 * transports: fan-out, auth upkeep and the SSE stream are modules of their own that use it.
 */
import { Client, type ClientObserver, type ClientOptions } from "./client.ts"
import type { Message } from "./sse.ts"

/** Hub construction options. */
export interface HubOptions {
  /** Outbound queue cap for clients the hub creates. @default 1 MiB */
  bufferBytes?: number
  /** Receives errors from hooks and deliveries, which never reach producers. @default console.error */
  onError?: (error: unknown) => void
  /**
   * Runs before every frame is queued (PB_CONNECT included): returns the message to send (maybe
   * changed) or null to skip it. Throwing disconnects the client. @default sends every message unchanged
   */
  beforeSend?: (client: Client, message: Message) => Message | null
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

const NO_CLIENTS: ReadonlySet<Client> = new Set()

/** The registry of realtime clients and of their subscriptions by base. */
export class Hub {
  readonly #clients = new Map<string, Client>()
  readonly #byBase = new Map<string, Set<Client>>()
  readonly #bufferBytes: number | undefined
  readonly #onError: (error: unknown) => void
  readonly #observer: ClientObserver
  #eventsIn = 0
  #framesOut = 0
  #dropped = 0

  constructor(options: HubOptions = {}) {
    this.#bufferBytes = options.bufferBytes
    this.#onError = options.onError ?? ((error) => console.error("realtime:", error))
    const beforeSend = options.beforeSend ?? ((_client: Client, message: Message) => message)
    this.#observer = {
      beforeSend: (client, message) => {
        try {
          return beforeSend(client, message)
        } catch (error) {
          // The client disconnects on a throwing hook; still tell the operator why.
          this.#onError(error)
          throw error
        }
      },
      queued: () => void this.#framesOut++,
      overflowed: () => void this.#dropped++,
      // Discarded anywhere (overflow, hook error, transport): leave the registry at once.
      discarded: (client) => this.#forget(client),
      baseChanged: (client, base, subscribed) => {
        if (this.#clients.get(client.id) !== client) return
        if (subscribed) this.#index(client, base)
        else this.#unindex(client, base)
      },
    }
  }

  /** A new, unregistered client using the hub's default queue cap. */
  createClient(options: ClientOptions = {}): Client {
    return new Client({ bufferBytes: this.#bufferBytes, ...options })
  }

  /** Stores the client under its id (replacing any other) and routes its sends through the hub. */
  register(client: Client): void {
    const previous = this.#clients.get(client.id)
    if (previous && previous !== client) this.#forget(previous)
    client.observe(this.#observer)
    this.#clients.set(client.id, client)
    for (const base of client.bases()) this.#index(client, base)
  }

  /** Discards and removes the client; unknown ids are a no-op. Its stream ends and frees its timers. */
  unregister(id: string): void {
    const client = this.#clients.get(id)
    if (!client) return
    this.#forget(client)
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

  /** The registered clients with at least one subscription whose base (the key before `?`) is `base`; live, do not change it. */
  subscribersOf(base: string): ReadonlySet<Client> {
    return this.#byBase.get(base) ?? NO_CLIENTS
  }

  /** Whether any client holds any subscription (nothing to fan out to otherwise). */
  get hasSubscriptions(): boolean {
    return this.#byBase.size > 0
  }

  /** Counts one incoming event (record change or custom message). */
  countEvent(): void {
    this.#eventsIn++
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

  /** Hands an error from code around the hub (streams, deliveries, hooks) to the configured `onError`. */
  reportError(error: unknown): void {
    this.#onError(error)
  }

  /** Unregisters every client; their streams end cleanly (server shutdown). */
  closeAll(): void {
    for (const id of [...this.#clients.keys()]) this.unregister(id)
  }

  #forget(client: Client): void {
    if (this.#clients.get(client.id) !== client) return
    this.#clients.delete(client.id)
    for (const base of client.bases()) this.#unindex(client, base)
  }

  #index(client: Client, base: string): void {
    let set = this.#byBase.get(base)
    if (!set) this.#byBase.set(base, (set = new Set()))
    set.add(client)
  }

  #unindex(client: Client, base: string): void {
    const set = this.#byBase.get(base)
    if (!set) return
    set.delete(client)
    if (set.size === 0) this.#byBase.delete(base)
  }
}
