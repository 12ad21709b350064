/**
 * @module
 * A shared/exclusive gate in front of the main connection. Requests pass it shared (many at a
 * time, and at once while nothing exclusive waits); a batch passes it exclusive, so its
 * transaction, which spans awaits, never takes in another request's writes or shows another
 * request its uncommitted rows.
 */

/** Many shared holders or one exclusive holder; a waiting exclusive holder goes before new shared ones. */
export class WriteGate {
  #shared = 0
  #exclusive = false
  #exclusiveQueue: Array<() => void> = []
  #sharedQueue: Array<() => void> = []

  /** Enters shared: null when entered at once, else a promise that resolves on entry. */
  enterShared(): Promise<void> | null {
    if (!this.#exclusive && this.#exclusiveQueue.length === 0) {
      this.#shared++
      return null
    }
    return new Promise((resolve) => this.#sharedQueue.push(() => {
      this.#shared++
      resolve()
    }))
  }

  leaveShared(): void {
    this.#shared--
    this.#wake()
  }

  /** Runs `work` while no one else holds the gate. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#exclusive || this.#shared > 0 || this.#exclusiveQueue.length > 0) {
      // `#wake` hands the gate over (sets `#exclusive`) before resolving, so no one slips in between.
      await new Promise<void>((resolve) => this.#exclusiveQueue.push(resolve))
    } else {
      this.#exclusive = true
    }
    try {
      return await work()
    } finally {
      this.#exclusive = false
      this.#wake()
    }
  }

  /** Runs `work` holding the gate shared. */
  async shared<T>(work: () => T | Promise<T>): Promise<T> {
    await this.enterShared()
    try {
      return await work()
    } finally {
      this.leaveShared()
    }
  }

  #wake(): void {
    if (this.#exclusive) return
    if (this.#exclusiveQueue.length > 0) {
      if (this.#shared === 0) {
        this.#exclusive = true
        this.#exclusiveQueue.shift()!()
      }
      return
    }
    for (const enter of this.#sharedQueue.splice(0)) enter()
  }
}
