/**
 * @module
 * Custom messages (`realtime.publish`): every client subscribed to exactly the topic gets the
 * data, through the same delivery queue as record events, so both keep one order.
 */
import type { Client } from "./client.ts"
import type { DeliveryJob, DeliveryQueue } from "./delivery-queue.ts"
import type { Hub } from "./hub.ts"
import { encodeFrameTail, hasLineBreak, type Message } from "./sse.ts"
import { baseOf } from "./topics.ts"

/** Schedules `data` (JSON-encoded once) for every client holding exactly `topic` (options suffix included) now. */
export function deliverCustomMessage(hub: Hub, queue: DeliveryQueue, topic: string, data: unknown): void {
  if (hasLineBreak(topic)) throw new TypeError("realtime topic must not contain line breaks")
  hub.countEvent()
  const receivers = [...hub.subscribersOf(baseOf(topic))].filter((client) => client.hasSubscription(topic))
  if (receivers.length === 0) return
  queue.push(new CustomDelivery(receivers, { name: topic, data: JSON.stringify(data) ?? "null" }))
}

class CustomDelivery implements DeliveryJob {
  readonly #receivers: Client[]
  readonly #message: Message
  readonly #tail: Uint8Array
  #next = 0

  constructor(receivers: Client[], message: Message) {
    this.#receivers = receivers
    this.#message = message
    this.#tail = encodeFrameTail(message)
  }

  get size(): number {
    return this.#receivers.length
  }

  run(budget: number): { used: number; done: boolean } {
    const end = Math.min(this.#receivers.length, this.#next + budget)
    const start = this.#next
    for (; this.#next < end; this.#next++) this.#receivers[this.#next]!.sendEncoded(this.#message, this.#tail)
    return { used: end - start, done: this.#next >= this.#receivers.length }
  }
}
