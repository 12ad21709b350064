/**
 * @module
 * The cron scheduler: jobs by id with PocketBase's expressions, checked once a minute on the
 * minute (UTC). When several processes share a data directory each due job runs once per tick:
 * before running, a process claims the (job, minute) pair through a `TickClaims` store, and only
 * the process whose claim succeeds runs it.
 */
import { parseSchedule, isDue, type Schedule } from "./schedule.ts"

/** Decides which process runs a job in a given minute. */
export interface TickClaims {
  /** True for exactly one caller per (job, tick). */
  claim(jobId: string, tick: string): boolean
}

/** One registered job, as `GET /api/crons` lists it. */
export interface CronJob {
  id: string
  expression: string
}

type JobFn = () => void | Promise<void>

interface Entry {
  id: string
  schedule: Schedule
  run: JobFn
}

const MINUTE_MS = 60_000

export interface CronSchedulerOptions {
  claims: TickClaims
  /** Wraps each run (e.g. to hold the app's write gate). @default runs it as it is */
  guard?: (run: () => Promise<void>) => Promise<void>
  /** Told about a job that threw. */
  onError?: (jobId: string, error: unknown) => void
}

/** Runs registered jobs when their expressions are due. */
export class CronScheduler {
  readonly #jobs = new Map<string, Entry>()
  readonly #claims: TickClaims
  readonly #onError: (jobId: string, error: unknown) => void
  readonly #guard: (run: () => Promise<void>) => Promise<void>
  #timer: Timer | null = null

  constructor(options: CronSchedulerOptions) {
    this.#claims = options.claims
    this.#onError = options.onError ?? ((jobId, error) => console.error(`cron job ${jobId} failed:`, error))
    this.#guard = options.guard ?? ((run) => run())
  }

  /**
   * Registers (or replaces) job `id`. @throws CronExpressionError for a malformed expression
   * @example scheduler.add("hello", "*\/5 * * * *", () => console.log("every 5 minutes"))
   */
  add(id: string, expression: string, run: JobFn): void {
    if (id === "") throw new Error("a cron job needs an id")
    this.#jobs.set(id, { id, schedule: parseSchedule(expression), run })
  }

  /** Unregisters job `id` (nothing when it is unknown). */
  remove(id: string): void {
    this.#jobs.delete(id)
  }

  has(id: string): boolean {
    return this.#jobs.has(id)
  }

  /** The jobs as PocketBase lists them: app jobs sorted by id, then the system (`__pb…`) jobs. */
  jobs(): CronJob[] {
    const all = [...this.#jobs.values()].map(({ id, schedule }) => ({ id, expression: schedule.expression }))
    const system = (job: CronJob) => job.id.startsWith("__pb")
    return [...all.filter((job) => !system(job)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), ...all.filter(system)]
  }

  /** Runs job `id` now in this process, regardless of its schedule; false when it is unknown. */
  runNow(id: string): boolean {
    const entry = this.#jobs.get(id)
    if (!entry) return false
    void this.#execute(entry)
    return true
  }

  /** Runs the jobs due in the minute of `now` that this process wins the claim for. */
  tick(now: Date): void {
    const minute = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS)
    const tick = minute.toISOString()
    for (const entry of this.#jobs.values()) {
      if (isDue(entry.schedule, minute) && this.#claims.claim(entry.id, tick)) void this.#execute(entry)
    }
  }

  /** Starts ticking at the next whole minute. */
  start(): void {
    this.stop()
    const schedule = () => {
      const delay = MINUTE_MS - (Date.now() % MINUTE_MS)
      this.#timer = setTimeout(() => {
        this.tick(new Date())
        schedule()
      }, delay)
    }
    schedule()
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }

  async #execute(entry: Entry): Promise<void> {
    try {
      await this.#guard(async () => {
        await entry.run()
      })
    } catch (error) {
      this.#onError(entry.id, error)
    }
  }
}
