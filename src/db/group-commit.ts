/**
 * @module
 * Group commit's parts that do not touch the connection's nesting: the shared transaction's
 * outcome (one promise every joined write awaits) and taking SQLite's write lock without
 * blocking the event loop while another process holds it.
 */
import { BUSY_TIMEOUT_MS } from "./open.ts"

/** The transaction every grouped write of one event-loop turn shares. */
export class SharedCommit {
  readonly committed: Promise<void>
  /** Writes that joined (for the store's counters). */
  members = 0
  #resolve!: () => void
  #reject!: (error: unknown) => void
  #timer: ReturnType<typeof setImmediate> | null = null

  constructor() {
    this.committed = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    // Joined writes await this; nobody awaiting a failed group must not crash the process.
    this.committed.catch(() => {})
  }

  /** Commits at the end of this event-loop turn, after every request already read has joined. */
  schedule(commit: () => void): void {
    this.#timer = setImmediate(commit)
  }

  settle(error?: unknown): void {
    if (this.#timer) clearImmediate(this.#timer)
    this.#timer = null
    if (error === undefined) this.#resolve()
    else this.#reject(error)
  }
}

const LOCK_RETRY_MS = 1

function isBusy(error: unknown): boolean {
  return error instanceof Error && /SQLITE_BUSY|database is locked/i.test(`${(error as { code?: string }).code ?? ""} ${error.message}`)
}

/**
 * Runs `work` (which takes the write lock) with SQLite's busy handler off, through `run` (the
 * store's cached statements): while another process holds the lock, returns SQLite's busy error
 * at once instead of putting the event loop to sleep.
 */
export function withoutWaiting(run: (sql: string) => void, work: () => void): Error | null {
  run("PRAGMA busy_timeout = 0")
  try {
    work()
    return null
  } catch (error) {
    if (isBusy(error)) return error as Error
    throw error
  } finally {
    run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
  }
}

/**
 * Runs `BEGIN IMMEDIATE`; while another process holds the write lock, retries on a timer instead
 * of letting SQLite's busy handler put the whole event loop to sleep. Gives up (SQLITE_BUSY)
 * after the usual busy timeout.
 */
export async function beginWithoutBlocking(run: (sql: string) => void): Promise<void> {
  const deadline = performance.now() + BUSY_TIMEOUT_MS
  for (;;) {
    const busy = withoutWaiting(run, () => run("BEGIN IMMEDIATE"))
    if (!busy) return
    if (performance.now() > deadline) throw busy
    await Bun.sleep(LOCK_RETRY_MS)
  }
}
