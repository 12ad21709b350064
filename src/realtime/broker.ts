/**
 * @module
 * The seam between "something was committed" and "deliver to my clients". Writers publish each
 * committed event once; every process subscribes, and `connectBroker` hands each event to this
 * process's modules in order: auth upkeep, record fan-out, custom messages. The in-process
 * `LocalBroker` is the single-node case; the Redis broker implements the same two methods with
 * the same JSON-serialisable events.
 */
import { applyCollectionChange, demoteAuthRecord, refreshAuthRecord } from "./auth-upkeep.ts"
import { deliverCustomMessage } from "./custom-messages.ts"
import type { DeliveryQueue } from "./delivery-queue.ts"
import type { RealtimeEvent } from "./events.ts"
import type { Hub } from "./hub.ts"
import type { RecordFanout } from "./record-fanout.ts"

/** Receives broker events. */
export type RealtimeEventHandler = (event: RealtimeEvent) => void

/** Publishes committed events once and fans them out to every subscribed process. */
export interface RealtimeBroker {
  /** Publishes one committed event (delivery order per publisher must be kept); local handlers get this very object. */
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

/** What a process delivers broker events with. */
export interface RealtimeDelivery {
  hub: Hub
  fanout: RecordFanout
  queue: DeliveryQueue
}

/**
 * Feeds a broker's events into this process's realtime; returns the unsubscriber. An updated auth
 * record refreshes its clients before the fan-out decides (they are judged as they now are); a
 * deleted one demotes them after (the deleted user still gets its own delete, as in PocketBase).
 */
export function connectBroker(broker: RealtimeBroker, delivery: RealtimeDelivery): () => void {
  const { hub, fanout, queue } = delivery
  return broker.subscribe((event) => {
    switch (event.type) {
      case "record": {
        const auth = event.collection.type === "auth"
        if (auth && event.action === "update") refreshAuthRecord(hub.clients().values(), event.collection, event.record)
        fanout.deliver(event)
        if (auth && event.action === "delete") demoteAuthRecord(hub.clients().values(), event.collection, event.record.id)
        return
      }
      case "custom":
        deliverCustomMessage(hub, queue, event.topic, event.data)
        return
      case "collection":
        applyCollectionChange(hub.clients().values(), event)
        return
      case "schema":
        return
    }
  })
}
