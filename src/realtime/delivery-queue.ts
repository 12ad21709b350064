/**
 * @module
 * Keeps deliveries in the order they were scheduled even when deciding who gets what is async.
 * Decisions for later events run concurrently; only the writes wait their turn.
 */

/** True for thenables (what `await` would treat as a promise). */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function"
}

/**
 * A per-hub FIFO of deliveries. A plan that is ready and finds nothing pending is delivered at
 * once (the all-sync fast path keeps in-memory access checks fully synchronous); anything else
 * waits for every earlier delivery, so a later event is never written before an earlier one.
 */
export class DeliveryQueue {
  #pending = 0
  #tail: Promise<void> = Promise.resolve()
  readonly #onError: (error: unknown) => void

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError
  }

  /** Delivers `plan` (or what it resolves to) after every earlier scheduled delivery. A rejected plan delivers nothing. */
  run<T>(plan: T | PromiseLike<T>, deliver: (plan: T) => void): void {
    if (this.#pending === 0 && !isPromiseLike(plan)) {
      this.#guard(() => deliver(plan))
      return
    }
    this.#pending++
    // Start waiting on the plan now so a rejection is never reported as unhandled.
    const settled = Promise.resolve(plan).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    )
    this.#tail = this.#tail
      .then(() => settled)
      .then((result) => {
        if (result.ok) this.#guard(() => deliver(result.value))
        else this.#onError(result.error)
        this.#pending--
      })
  }

  /** Resolves once everything scheduled so far has been delivered. */
  idle(): Promise<void> {
    return this.#tail
  }

  /** Deliveries still waiting. */
  get pending(): number {
    return this.#pending
  }

  #guard(fn: () => void): void {
    try {
      fn()
    } catch (error) {
      this.#onError(error)
    }
  }
}
