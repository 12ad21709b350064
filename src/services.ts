/**
 * @module
 * The bundle of long-lived services one app instance owns. Built by `createApp`, passed down;
 * nothing here is a module-level singleton.
 */
import type { Config } from "./config.ts"
import type { Store } from "./db/store.ts"
import type { CollectionRegistry } from "./records/collections.ts"
import type { RecordRepository } from "./records/repository.ts"
import type { LoginThrottle } from "./auth/throttle.ts"
import type { RuleEvaluator } from "./records/access.ts"
import type { RecordService } from "./records/service.ts"
import type { RecordFiles } from "./records/record-files.ts"
import type { Realtime } from "./realtime/service.ts"
import type { SettingsService } from "./settings/index.ts"
import type { LogsService } from "./logs/index.ts"
import type { CronScheduler } from "./cron/index.ts"
import type { BackupsService } from "./backups/index.ts"

export interface Services {
  config: Readonly<Config>
  store: Store
  collections: CollectionRegistry
  records: RecordRepository
  loginThrottle: LoginThrottle
  rules: RuleEvaluator
  recordService: RecordService
  /** Uploads, clean-up and downloads of `file` fields (`DIR/storage`, or the `settings.s3` bucket). */
  recordFiles: RecordFiles
  realtime: Realtime
  /** The application settings (`_params`), current in every process. */
  settings: SettingsService
  /** Request and app logs in `auxiliary.db`; `logs.logger` is the app logger. */
  logs: LogsService
  /** Scheduled jobs (system jobs included); ticking starts when the app serves. */
  cron: CronScheduler
  /** Backups of the data directory in `DIR/backups`. */
  backups: BackupsService
}
