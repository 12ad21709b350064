/**
 * @module
 * The `_logs` table in the auxiliary database (`auxiliary.db` beside `data.db`, as PocketBase keeps
 * it), with PocketBase's schema: batched inserts, retention deletes, and the list, view and
 * hourly-stats queries in the filter language.
 */
import { openDatabase } from "../db/open.ts"
import { Store } from "../db/store.ts"
import { SelectBuilder, type SchemaLookup } from "../filter/index.ts"
import { formatDateTime } from "../core/clock.ts"
import type { Collection, Field } from "../core/types.ts"

const LOGS_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS _logs (
    id      TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
    level   INTEGER DEFAULT 0 NOT NULL,
    message TEXT DEFAULT "" NOT NULL,
    data    JSON DEFAULT "{}" NOT NULL,
    created TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS idx_logs_level on _logs (level)",
  "CREATE INDEX IF NOT EXISTS idx_logs_message on _logs (message)",
  "CREATE INDEX IF NOT EXISTS idx_logs_created_hour on _logs (strftime('%Y-%m-%d %H:00:00', created))",
]

/** One stored log entry, as the logs API returns it. */
export interface LogEntry {
  id: string
  created: string
  data: Record<string, unknown>
  message: string
  level: number
}

/** An entry as it is written: its data already JSON text (serialized once, when it was logged). */
export interface LogRow {
  id: string
  created: string
  data: string
  message: string
  level: number
}

/** One hour of the stats chart. */
export interface LogsStatsItem {
  date: string
  total: number
}

const field = (name: string, type: Field["type"]): Field => ({ id: name, name, type, system: true, hidden: false, presentable: false })

// The logs table seen through the filter language, as if it were a collection with these fields.
const LOGS_COLLECTION: Collection = {
  id: "_logs",
  name: "_logs",
  type: "base",
  system: true,
  fields: [field("id", "text"), field("created", "date"), field("level", "number"), field("message", "text"), field("data", "json")],
  indexes: [],
  listRule: null,
  viewRule: null,
  createRule: null,
  updateRule: null,
  deleteRule: null,
  created: "",
  updated: "",
}

const LOGS_SCHEMA_LOOKUP: SchemaLookup = { findCollection: (nameOrId) => (nameOrId === "_logs" ? LOGS_COLLECTION : undefined) }

/** The one insert, shared with the writer thread. */
export const INSERT_LOG = "INSERT INTO _logs (id, level, message, data, created) VALUES (?, ?, ?, ?, ?)"

const COLUMNS = "`_logs`.`id`, `_logs`.`created`, `_logs`.`data`, `_logs`.`message`, `_logs`.`level`"

const toEntry = (row: LogRow): LogEntry => ({ ...row, data: JSON.parse(row.data) as Record<string, unknown> })

/** The auxiliary database's log table. */
export class LogStore {
  readonly store: Store

  /** Opens (or creates) the auxiliary database at `path` (":memory:" for tests). */
  constructor(path: string) {
    this.store = new Store(openDatabase(path))
    for (const sql of LOGS_SCHEMA) this.store.exec(sql)
  }

  /** Inserts rows in one transaction. */
  insert(rows: readonly LogRow[]): void {
    if (rows.length === 0) return
    this.store.transaction(() => {
      for (const row of rows) this.store.run(INSERT_LOG, [row.id, row.level, row.message, row.data, row.created])
    })
  }

  /** Deletes entries created at or before `before`, and those below `minLevel` when given. */
  deleteOld(before: Date, minLevel?: number): number {
    const levelTerm = minLevel === undefined ? "" : " OR level < ?"
    const params = minLevel === undefined ? [formatDateTime(before)] : [formatDateTime(before), minLevel]
    return this.store.run(`DELETE FROM _logs WHERE created <= ?${levelTerm}`, params).changes
  }

  /** Deletes every entry and gives the space back. */
  truncate(): void {
    this.store.run("DELETE FROM _logs")
    this.store.exec("VACUUM")
  }

  find(id: string): LogEntry | null {
    const row = this.store.get<LogRow>(`SELECT ${COLUMNS} FROM _logs WHERE id = ?`, [id])
    return row ? toEntry(row) : null
  }

  /**
   * One page of entries matching `filter`, ordered by `sort` (insertion order without one), and
   * the total unless skipped. @throws FilterSyntaxError | FilterResolveError
   */
  list(options: { filter: string; sort: string; limit: number; offset: number; withTotal: boolean }): { items: LogEntry[]; total: number | null } {
    const query = new SelectBuilder({ collection: LOGS_COLLECTION, schema: LOGS_SCHEMA_LOOKUP }).where(options.filter).sort(options.sort)
    const page = query.build({ select: COLUMNS, limit: options.limit, offset: options.offset })
    const items = this.store.all<LogRow>(page.sql, page.params).map(toEntry)
    if (!options.withTotal) return { items, total: null }
    const count = query.build({ countOnly: true })
    return { items, total: this.store.get<{ total: number }>(count.sql, count.params)?.total ?? 0 }
  }

  /** Entries per hour matching `filter`. @throws FilterSyntaxError | FilterResolveError */
  stats(filter: string): LogsStatsItem[] {
    const hour = "strftime('%Y-%m-%d %H:00:00', `_logs`.`created`)"
    const query = new SelectBuilder({ collection: LOGS_COLLECTION, schema: LOGS_SCHEMA_LOOKUP }).where(filter)
    const { sql, params } = query.build({ select: `count(\`_logs\`.\`id\`) AS total, ${hour} AS date` })
    return this.store
      .all<{ total: number; date: string }>(`${sql} GROUP BY date ORDER BY date`, params)
      .map((row) => ({ date: `${row.date}.000Z`, total: row.total }))
  }

  close(): void {
    this.store.close()
  }
}
