/**
 * @module
 * The seam between "something was committed" and "deliver to my clients". Writers publish each
 * committed event once; every process subscribes and its hub delivers to its own clients. The
 * in-process `LocalBroker` is the single-node case; a Redis (or similar) broker implements the
 * same two methods with JSON-serialisable events.
 */
import type { Collection } from "../core/types.ts"
import type { Hub } from "./hub.ts"
import type { RecordAccess, RecordEvent } from "./record-fanout.ts"

/** Everything a hub needs to hear about, as plain JSON-serialisable data. */
export type RealtimeEvent =
  | ({ type: "record"; seq?: number } & RecordEvent)
  | { type: "custom"; topic: string; data: unknown }
  | { type: "collection"; action: "update"; collection: Collection; previous: Collection }
  | { type: "collection"; action: "delete"; collection: Collection }
  /** Some process changed the schema; the others re-read their collection caches. */
  | { type: "schema"; node: string }

/** Receives broker events. */
export type RealtimeEventHandler = (event: RealtimeEvent) => void

/** Publishes committed events once and fans them out to every subscribed process. */
export interface RealtimeBroker {
  /** Publishes one committed event (delivery order per publisher must be kept). */
  publish(event: RealtimeEvent): void | Promise<void>
  /** Adds a handler; returns its remover. */
  subscribe(handler: RealtimeEventHandler): () => void
}

/** In-process broker: `publish` calls every handler synchronously, in subscription order. */
export class LocalBroker implements RealtimeBroker {
  readonly #handlers = new Set<RealtimeEventHandler>()
  readonly #onError: (error: unknown) => void

  /** @param onError receives handler errors, which never reach the publisher. */
  constructor(onError: (error: unknown) => void = (error) => console.error("realtime broker handler failed", error)) {
    this.#onError = onError
  }

  publish(event: RealtimeEvent): void {
    for (const handler of this.#handlers) {
      try {
        handler(event)
      } catch (error) {
        this.#onError(error)
      }
    }
  }

  subscribe(handler: RealtimeEventHandler): () => void {
    // Wrap so the same function subscribed twice gets two independent registrations.
    const entry: RealtimeEventHandler = (event) => handler(event)
    this.#handlers.add(entry)
    return () => this.#handlers.delete(entry)
  }
}

/**
 * Feeds a broker's events into a hub; returns the unsubscriber. Record deletes arrive after the
 * commit, so `access` must judge the pre-delete row it is given (not re-read it from the table).
 */
export function connectBroker(hub: Hub, broker: RealtimeBroker, access: RecordAccess): () => void {
  return broker.subscribe((event) => {
    switch (event.type) {
      case "record":
        hub.broadcastRecordEvent(event, access)
        return
      case "custom":
        hub.publish(event.topic, event.data)
        return
      case "collection":
        hub.applyCollectionChange(event)
        return
      case "schema":
        return
    }
  })
}
