/**
 * @module
 * Tick claims in the shared SQLite database: one row per job holding the last claimed minute. A
 * claim is one conditional upsert, atomic across every process on the data file, so exactly one
 * of them wins each (job, minute).
 */
import type { Store } from "../db/store.ts"
import type { TickClaims } from "./scheduler.ts"

const SCHEMA = "CREATE TABLE IF NOT EXISTS _cron_ticks (job TEXT PRIMARY KEY NOT NULL, tick TEXT NOT NULL)"

/** Claims ticks in the `_cron_ticks` table of `store`. */
export function sqliteTickClaims(store: Store): TickClaims {
  store.exec(SCHEMA)
  return {
    claim(jobId, tick) {
      const sql = "INSERT INTO _cron_ticks (job, tick) VALUES (?, ?) ON CONFLICT(job) DO UPDATE SET tick = excluded.tick WHERE tick < excluded.tick"
      return store.run(sql, [jobId, tick]).changes === 1
    },
  } satisfies TickClaims
}
