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
  /** Uploads, clean-up and downloads of `file` fields (`DIR/storage`). */
  recordFiles: RecordFiles
  realtime: Realtime
  /** Custom routes and global middlewares (`routerAdd`/`routerUse`, or `app.routes` from TypeScript). */
  routes: RouteTable
}
