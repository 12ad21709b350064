/**
 * @module
 * The jobs PocketBase always runs, with its ids and schedules: database optimize (WAL checkpoint
 * of both databases, `PRAGMA optimize`), hourly removal of expired OTPs and MFA sessions, and
 * logs retention every six hours.
 */
import { formatDateTime } from "../core/clock.ts"
import type { Collection } from "../core/types.ts"
import type { Store } from "../db/store.ts"
import type { CronScheduler } from "./scheduler.ts"

export interface SystemJobDeps {
  store: Store
  /** The auxiliary (logs) database. */
  auxStore: Store
  authCollections: () => Collection[]
  /** Deletes logs older than the retention setting. */
  deleteExpiredLogs: (now: Date) => void
}

/** Registers PocketBase's system jobs on `scheduler`. */
export function registerSystemJobs(scheduler: CronScheduler, deps: SystemJobDeps): void {
  scheduler.add("__pbDBOptimize__", "0 0 * * *", () => {
    deps.store.run("PRAGMA wal_checkpoint(TRUNCATE)")
    deps.auxStore.run("PRAGMA wal_checkpoint(TRUNCATE)")
    deps.store.run("PRAGMA optimize")
  })
  scheduler.add("__pbMFACleanup__", "0 * * * *", () => deleteExpired(deps, "_mfas", "mfa"))
  scheduler.add("__pbOTPCleanup__", "0 * * * *", () => deleteExpired(deps, "_otps", "otp"))
  scheduler.add("__pbLogsCleanup__", "0 */6 * * *", () => deps.deleteExpiredLogs(new Date()))
}

// Rows of auth collections with the feature on, older than that collection's `duration` seconds.
function deleteExpired(deps: SystemJobDeps, table: "_mfas" | "_otps", option: "mfa" | "otp"): void {
  const now = Date.now()
  deps.store.transaction(() => {
    for (const collection of deps.authCollections()) {
      const settings = collection[option] as { enabled?: boolean; duration?: number } | undefined
      if (!settings?.enabled) continue
      const before = formatDateTime(new Date(now - (settings.duration ?? 0) * 1000))
      deps.store.run(`DELETE FROM ${table} WHERE collectionRef = ? AND created < ?`, [collection.id, before])
    }
  })
}
