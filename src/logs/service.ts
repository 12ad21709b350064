/**
 * @module
 * The logs feature as one service: the auxiliary database, the batching logger, the queries
 * behind the logs API, and retention (old entries dropped when the settings change and by the
 * cleanup job).
 */
import type { SettingsService } from "../settings/index.ts"
import { LogStore, type LogEntry, type LogsStatsItem } from "./log-store.ts"
import { Logger } from "./logger.ts"
import { batchRows, directLogWriter, ThreadLogWriter } from "./log-writer.ts"
import { logRequest, type RequestSummary } from "./request-log.ts"

const DAY_MS = 24 * 60 * 60 * 1000

export interface LogsServiceOptions {
  /** Path of `auxiliary.db`, or ":memory:". */
  path: string
  settings: SettingsService
  /** @default 3000 */
  flushIntervalMs?: number
}

/** Request and app logs in the auxiliary database. */
export class LogsService {
  readonly logger: Logger
  readonly #store: LogStore
  readonly #settings: SettingsService
  readonly #writer: ThreadLogWriter | null
  readonly #unsubscribe: () => void

  constructor(options: LogsServiceOptions) {
    this.#store = new LogStore(options.path)
    this.#settings = options.settings
    this.#writer = options.path === ":memory:" ? null : new ThreadLogWriter(options.path)
    const write = this.#writer?.write ?? directLogWriter(this.#store)
    this.logger = new Logger({ write, settings: () => this.#settings.get().logs, flushIntervalMs: options.flushIntervalMs })
    // Entries the new settings would not keep go at once, as in PocketBase.
    this.#unsubscribe = options.settings.subscribe((next, previous) => {
      if (next.logs.maxDays !== previous.logs.maxDays || next.logs.minLevel !== previous.logs.minLevel) this.deleteExpired(new Date(), true)
    })
  }

  /** Queues the log entry of a finished request. */
  logRequest(request: RequestSummary): void {
    logRequest(this.logger, this.#settings.get().logs, request)
  }

  /** Deletes entries older than `logs.maxDays` (and, with `byLevel`, those below `logs.minLevel`). */
  deleteExpired(now: Date, byLevel = false): number {
    const { maxDays, minLevel } = this.#settings.get().logs
    const deleted = this.#store.deleteOld(new Date(now.getTime() - maxDays * DAY_MS), byLevel ? minLevel : undefined)
    if (maxDays === 0) this.#store.truncate()
    return deleted
  }

  // The queries first store what is queued, so a superuser sees requests made a moment ago.
  async list(options: Parameters<LogStore["list"]>[0]): Promise<{ items: LogEntry[]; total: number | null }> {
    await this.logger.flush()
    return this.#store.list(options)
  }

  async find(id: string): Promise<LogEntry | null> {
    await this.logger.flush()
    return this.#store.find(id)
  }

  async stats(filter: string): Promise<LogsStatsItem[]> {
    await this.logger.flush()
    return this.#store.stats(filter)
  }

  /** Deletes every entry (`DELETE /api/logs`). */
  async truncate(): Promise<void> {
    await this.logger.flush()
    this.#store.truncate()
  }

  /** The auxiliary database's store (backups snapshot it). */
  get store(): LogStore["store"] {
    return this.#store.store
  }

  close(): void {
    this.#unsubscribe()
    this.#writer?.close()
    if (this.#settings.get().logs.maxDays > 0) this.#store.insert(batchRows(this.logger.drain()))
    this.#store.close()
  }
}
