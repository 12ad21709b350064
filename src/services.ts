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
import type { Mailer } from "./mail/index.ts"
import type { AuthFlows } from "./auth/flows/index.ts"
import type { BackupsService } from "./backups/index.ts"
import type { RateLimits } from "./rate-limits/index.ts"
import type { WriteGate } from "./db/write-gate.ts"
import type { BatchRunner } from "./batch/index.ts"
import type { RecordLifecycle } from "./records/record-lifecycle.ts"
import type { AppHooks } from "./hooks/index.ts"
import type { RouteTable } from "./jsvm/router.ts"

export interface Services {
  config: Readonly<Config>
  /** The app's hook bus (the same object as `App.hooks`). */
  hooks: AppHooks
  store: Store
  collections: CollectionRegistry
  records: RecordRepository
  loginThrottle: LoginThrottle
  rules: RuleEvaluator
  recordService: RecordService
  /** Record writes through the model hooks (create, update, delete with cascades). */
  recordLifecycle: RecordLifecycle
  /** Uploads, clean-up and downloads of `file` fields (`DIR/storage`, or the `settings.s3` bucket). */
  recordFiles: RecordFiles
  realtime: Realtime
  /** Custom routes and global middlewares (`routerAdd`/`routerUse`, or `app.routes` from TypeScript). */
  routes: RouteTable
  /** The application settings (`_params`), current in every process. */
  settings: SettingsService
  /** Request and app logs in `auxiliary.db`; `logs.logger` is the app logger. */
  logs: LogsService
  /** Scheduled jobs (system jobs included); ticking starts when the app serves. */
  cron: CronScheduler
  /** Outgoing mail (SMTP and sender from the settings); `mailer.onMailSend` changes or cancels messages. */
  mailer: Mailer
  /** Verification, password reset, email change, OTP, OAuth2, MFA and login alerts. */
  authFlows: AuthFlows
  /** Backups of the data directory in `DIR/backups`. */
  backups: BackupsService
  /** `settings.rateLimits`, counted per process or, with a broker, in Redis. */
  rateLimits: RateLimits
  /** Held shared by requests and exclusive by a running batch (its transaction spans awaits). */
  writeGate: WriteGate
  /** Runs `POST /api/batch`'s batches, in transactions behind the write gate. */
  batches: BatchRunner
}
