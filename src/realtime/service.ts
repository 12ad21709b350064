/**
 * @module
 * The realtime facade an app exposes to its own code: the hub, typed custom publishing, and the
 * hook point for outgoing messages.
 */
import type { Hub, MessageSendHook } from "./hub.ts"
import type { RealtimeBroker } from "./broker.ts"

/** What server code uses to talk to realtime clients. */
export interface Realtime {
  readonly hub: Hub
  readonly broker: RealtimeBroker
  /**
   * Sends `data` (JSON-encoded) to every client subscribed to exactly `topic`, on every process.
   * @example app.services.realtime.publish("notifications", { text: "deploy finished" })
   */
  publish<T>(topic: string, data: T): void
  /** Filters, rewrites or skips outgoing messages (return null to skip); returns the remover. */
  onMessageSend(hook: MessageSendHook): () => void
}

export function createRealtime(hub: Hub, broker: RealtimeBroker): Realtime {
  return {
    hub,
    broker,
    publish(topic, data) {
      if (typeof topic !== "string" || topic === "") throw new TypeError("realtime.publish needs a topic")
      void broker.publish({ type: "custom", topic, data })
    },
    onMessageSend: (hook) => hub.onMessageSend(hook),
  }
}
