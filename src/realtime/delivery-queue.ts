/**
 * @module
 * Delivery off the writer's request: every event becomes a job in one FIFO, run after the
 * writer's response in slices of a bounded number of frames, yielding to the event loop
 * (`setImmediate`) between slices so requests keep being served while thousands of clients get
 * their frames. Jobs run strictly one after another, so each client receives events in the order
 * they were scheduled. The queue counts the frames it still holds (its backlog), so writers can
 * be held back while it is long instead of letting it grow without bound.
 */

/** A unit of delivery work, resumable: each call does at most `budget` units (about one frame each). */
export interface DeliveryJob {
  /** Frames the job will write at most (its share of the backlog until it is done). */
  readonly size: number
  /** Does up to `budget` units of work; returns the units used and whether nothing is left. */
  run(budget: number): { used: number; done: boolean }
}

/** Frames (or equivalent work) per slice before yielding to the event loop. @default 250 */
const DEFAULT_SLICE_SIZE = 250

/** The per-process FIFO of delivery jobs. */
export class DeliveryQueue {
  readonly #jobs: DeliveryJob[] = []
  readonly #sliceSize: number
  readonly #onError: (error: unknown) => void
  #scheduled = false
  #backlog = 0
  #idle: Array<() => void> = []
  #belowWaiters: Array<{ limit: number; resolve: () => void }> = []

  constructor(onError: (error: unknown) => void, sliceSize = DEFAULT_SLICE_SIZE) {
    this.#onError = onError
    this.#sliceSize = Math.max(1, sliceSize)
  }

  /** Queues a job behind every earlier one; it starts on a later turn of the event loop. */
  push(job: DeliveryJob): void {
    this.#jobs.push(job)
    this.#backlog += job.size
    this.#schedule()
  }

  /** Frames still queued. */
  get backlog(): number {
    return this.#backlog
  }

  /** Null when the backlog is at most `limit` frames; otherwise a promise that resolves once it is. */
  whenBacklogAtMost(limit: number): Promise<void> | null {
    if (this.#backlog <= limit) return null
    return new Promise((resolve) => this.#belowWaiters.push({ limit, resolve }))
  }

  /** Resolves once every job queued so far has run to its end. */
  idle(): Promise<void> {
    if (this.#jobs.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => this.#slice())
  }

  #wakeWriters(): void {
    if (this.#belowWaiters.length === 0) return
    const still: Array<{ limit: number; resolve: () => void }> = []
    for (const waiter of this.#belowWaiters) {
      if (this.#backlog <= waiter.limit) waiter.resolve()
      else still.push(waiter)
    }
    this.#belowWaiters = still
  }

  #slice(): void {
    this.#scheduled = false
    let budget = this.#sliceSize
    while (budget > 0 && this.#jobs.length > 0) {
      let step = { used: 1, done: true }
      try {
        step = this.#jobs[0]!.run(budget)
      } catch (error) {
        // A failing job is dropped; the ones behind it still run.
        this.#onError(error)
      }
      if (step.done) this.#backlog -= this.#jobs.shift()!.size
      budget -= Math.max(1, step.used)
    }
    this.#wakeWriters()
    if (this.#jobs.length > 0) {
      this.#schedule()
      return
    }
    const waiting = this.#idle
    this.#idle = []
    for (const resolve of waiting) resolve()
  }
}
