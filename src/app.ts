/**
 * @module
 * Wiring only: builds the services of one app instance and the HTTP handler on top of them.
 */
import { mkdirSync } from "node:fs"
import { hostname } from "node:os"
import { join } from "node:path"
import { databasePath, SETTINGS_SIGNAL_FILE, type Config } from "./config.ts"
import { ChangeSignal } from "./db/change-signal.ts"
import { openDatabase } from "./db/open.ts"
import { Store } from "./db/store.ts"
import { markMigrationApplied } from "./db/migrate.ts"
import { ReadPool, type ReadQueries } from "./db/read-pool.ts"
import { CollectionRegistry } from "./records/collections.ts"
import { RecordRepository } from "./records/repository.ts"
import { LoginThrottle } from "./auth/throttle.ts"
import { RuleEvaluator } from "./records/access.ts"
import { RecordService } from "./records/service.ts"
import { RecordFiles } from "./records/record-files.ts"
import { DiskStorage, MemoryStorage, StorageSelector, type FileStorage, type S3Choice } from "./files/index.ts"
import { ThumbCache } from "./files/thumb-cache.ts"
import type { SchemaLookup } from "./filter/index.ts"
import type { Collection } from "./core/types.ts"
import type { Services } from "./services.ts"
import { buildHttp } from "./http/app.ts"
import { startRealtime } from "./realtime/index.ts"
import type { ClusterBroker } from "./realtime/cluster-broker.ts"
import { AppHooks } from "./hooks/index.ts"
import { RecordLifecycle } from "./records/record-lifecycle.ts"
import type { ServerBindings } from "./http/client-ip.ts"
import { bindAutomigrate, JsHooks, RouteTable } from "./jsvm/index.ts"
import { SettingsService, type Settings } from "./settings/index.ts"
import { LogsService } from "./logs/index.ts"
import { CronScheduler, registerSystemJobs, sqliteTickClaims } from "./cron/index.ts"
import { Mailer, type MailLog } from "./mail/index.ts"
import { AuthFlows, sendTestEmail } from "./auth/flows/index.ts"
import { deliverForwardedRedirects } from "./auth/oauth2/index.ts"
import { BackupsService, StorageBackupFiles } from "./backups/index.ts"
import { MemoryRateCounters, RateLimits, RedisRateCounters } from "./rate-limits/index.ts"
import { WriteGate } from "./db/write-gate.ts"
import { BatchRunner } from "./batch/index.ts"

/** One running pocketbun instance: its hooks, its services and its request handler. */
export interface App {
  /** The hook bus: bind handlers here (see README "Hooks"). */
  hooks: AppHooks
  services: Services
  fetch(request: Request, bindings?: ServerBindings): Response | Promise<Response>
  close(): void
}

export interface AppOptions {
  /** Use an in-memory database instead of `DIR/data.db` (tests). @default false */
  inMemory?: boolean
  /** A connected cluster broker (Redis, or the workers' unix socket hub); in-process delivery without one. */
  cluster?: ClusterBroker
}

/** Opens the database, loads the schema, and builds the HTTP handler. */
export function createApp(config: Readonly<Config>, options: AppOptions = {}): App {
  if (!options.inMemory) mkdirSync(config.dir, { recursive: true })
  const store = new Store(openDatabase(options.inMemory ? ":memory:" : databasePath(config)))
  const hooks = new AppHooks()
  const collections: CollectionRegistry = new CollectionRegistry(store, hooks, (collection, rule, all): string | null => rules.check(collection, rule, schemaOf(all)))
  const rules: RuleEvaluator = new RuleEvaluator(store, collections)
  collections.init()
  const records = new RecordRepository(store)
  const readPool = !options.inMemory && config.readWorkers > 0 ? new ReadPool(databasePath(config), config.readWorkers) : null
  const reads: ReadQueries = readPool ?? { all: (sql, params) => store.all(sql, params) }
  const settings = new SettingsService(store, options.inMemory ? ChangeSignal.inProcess() : ChangeSignal.open(join(config.dir, SETTINGS_SIGNAL_FILE)))
  const storage = liveStorage(settings, (s) => s.s3, options.inMemory ? new MemoryStorage() : new DiskStorage(join(config.dir, "storage")))
  const backupStorage = liveStorage(settings, (s) => s.backups.s3, options.inMemory ? new MemoryStorage() : new DiskStorage(join(config.dir, "backups")))
  const thumbs = new ThumbCache({ maxInputPixels: config.thumbMaxPixels })
  const recordFiles = new RecordFiles({ store, storage: () => storage.current(), thumbs, collections, records, rules })
  hooks.onCollectionAfterDeleteSuccess.bind({
    id: "collection-files",
    func: (e) => {
      if (e.collection.type !== "view") recordFiles.removeCollectionFiles(e.collection)
      return e.next()
    },
  })
  const recordLifecycle = new RecordLifecycle({ store, hooks, collections, records, afterDelete: (collection, id) => recordFiles.afterDelete(collection, id) })
  const recordService = new RecordService({ store, collections, records, rules, reads, files: recordFiles, hooks, lifecycle: recordLifecycle })
  const loadAuth = (collectionId: string, recordId: string) => {
    const collection = collections.find(collectionId)
    const record = collection?.type === "auth" ? records.findById(collection, recordId) : null
    return collection && record ? { collection, record } : null
  }
  const realtime = startRealtime({
    hooks,
    store,
    collections,
    rules,
    renderer: recordService.renderer,
    loadAuth,
    bufferBytes: config.realtimeBuffer,
    resumeWindow: { events: config.realtimeResumeEvents, ms: config.realtimeResumeWindow * 1000 },
    cluster: options.cluster,
    nodeId: options.cluster?.nodeId ?? `${hostname()}:${process.pid}`,
  })
  const logs = new LogsService({ path: options.inMemory ? ":memory:" : join(config.dir, "auxiliary.db"), settings })
  const writeGate = new WriteGate()
  const cron = new CronScheduler({
    claims: sqliteTickClaims(store),
    guard: (run) => writeGate.shared(run),
    onError: (id, error) => logs.logger.error(`cron job ${id} failed`, { error: String(error) }),
  })
  const mailSettings = () => {
    const current = settings.get()
    return { smtp: current.smtp, meta: current.meta }
  }
  const mailer = new Mailer({ settings: mailSettings, logWhenSmtpOff: config.mailLog, log: mailLog(logs) })
  // Writes after a background send pass the write gate as requests do, and a failure is logged.
  const backgroundWrite = (work: () => void) =>
    writeGate.shared(work).catch((error: unknown) => logs.logger.error("auth: a background write failed", { error: String(error) }))
  const authFlows = new AuthFlows({ hooks, collections, records, recordLifecycle, rules, mailer, mailSettings, recordService, backgroundWrite })
  settings.connectionTests.sendTestEmail = (request) => sendTestEmail({ mailer, mailSettings }, collections, request)
  deliverForwardedRedirects(hooks)
  const services: Services = {
    config,
    hooks,
    store,
    collections,
    records,
    loginThrottle: new LoginThrottle({
      maxFailuresPerPair: config.loginMaxFailures,
      maxFailuresPerIp: config.loginMaxIpFailures,
      windowMs: config.loginWindow * 1000,
    }),
    rules,
    recordService,
    recordLifecycle,
    recordFiles,
    realtime,
    routes: new RouteTable(),
    settings,
    logs,
    mailer,
    authFlows,
    cron,
    writeGate,
    batches: new BatchRunner(store, writeGate),
    rateLimits: new RateLimits({
      settings,
      // Shared through Redis when processes are joined by it; the unix-socket hub's workers count each on their own.
      counters: options.cluster?.kind === "redis" ? new RedisRateCounters(config.realtimeBroker) : new MemoryRateCounters(),
      findCollection: (idOrName) => collections.find(idOrName),
    }),
    backups: new BackupsService({
      dataDir: config.dir,
      store,
      auxStore: logs.store,
      settings,
      cron,
      logger: logs.logger,
      files: new StorageBackupFiles(() => backupStorage.current()),
      // The restored data replaced the tables under every cache; other processes hear a schema change.
      onRestored: () => {
        collections.reload()
        settings.reload()
        realtime.hub.closeAll()
        void realtime.broker.publish({ type: "schema", node: realtime.nodeId })
      },
    }),
  }
  hooks.onCollectionAfterUpdateSuccess.bindFunc((e) => {
    if (e.original && e.original.name !== e.collection.name) settings.renameCollectionInRateLimits(e.original.name, e.collection.name)
    e.next()
  })
  registerSystemJobs(services.cron, {
    store,
    auxStore: logs.store,
    authCollections: () => collections.all().filter((c) => c.type === "auth"),
    deleteExpiredLogs: (now) => logs.deleteExpired(now),
  })
  if (config.automigrate && config.migrationsDir) bindAutomigrate(hooks, config.migrationsDir, (file) => markMigrationApplied(store, file))
  const jsHooks = new JsHooks(services)
  jsHooks.load()
  if (config.hooksWatch) jsHooks.watch()
  const http = buildHttp(services)
  return {
    hooks,
    services,
    fetch: (request, bindings) => http.fetch(request, bindings ?? {}),
    close: () => {
      jsHooks.close()
      realtime.hub.closeAll()
      services.cron.stop()
      mailer.close()
      services.rateLimits.close()
      logs.close()
      readPool?.close()
      void options.cluster?.close()
      store.close()
    },
  }
}

// Mail lines go to the terminal (development links must be clickable there) and to the app logs.
function mailLog(logs: LogsService): MailLog {
  return {
    info(line) {
      console.log(line)
      logs.logger.info(line)
    },
    error(line, error) {
      const reason = error instanceof Error ? error.message : String(error)
      console.error(`${line} ${reason}`)
      logs.logger.error(line, { error: reason })
    },
  }
}

// Follows one S3 section of the settings (changes from other processes arrive through refresh()).
function liveStorage(settings: SettingsService, section: (s: Readonly<Settings>) => Readonly<S3Choice>, local: FileStorage): StorageSelector {
  const selector = new StorageSelector(local)
  selector.use(section(settings.get()))
  settings.subscribe((next) => selector.use(section(next)))
  return selector
}

// Rules are checked against the schema as it will be after the save, not as it is stored.
function schemaOf(all: Collection[]): SchemaLookup {
  return {
    findCollection: (nameOrId) => all.find((c) => c.id === nameOrId) ?? all.find((c) => c.name.toLowerCase() === nameOrId.toLowerCase()),
  }
}

