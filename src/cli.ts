#!/usr/bin/env bun
/**
 * @module
 * The command line, spelled as PocketBase's: `serve`, `superuser upsert|create|update|delete|otp`,
 * `migrate up|down|create|collections|history-sync`. The only place that reads argv and env or
 * starts a server.
 */
import { BOOLEAN_KEYS, buildConfig, splitArgs, UsageError, type Config } from "./config.ts"
import { BrokerUnavailableError, connectCluster, runWorkers, WORKER_ENV } from "./cluster.ts"
import { createApp, type App } from "./app.ts"
import { serveApp } from "./server.ts"
import { migrateDown, migrateUp, MigrationError, syncMigrationHistory } from "./db/migrate.ts"
import { createSuperuser, createSuperuserOtp, deleteSuperuser, SuperuserInputError, updateSuperuser, upsertSuperuser } from "./auth/superusers.ts"
import { installLink } from "./dashboard/index.ts"
import { BridgeConfigError, loadBridgeConfig, startBridge } from "./bridge/index.ts"
import { appMigrations, writeBlankMigration, writeCollectionsSnapshot } from "./jsvm/index.ts"

const USAGE = `usage:
  pocketbun help | --help | <command> --help
  pocketbun serve [--http=127.0.0.1:8090] [--dir=./pb_data] [--migrationsDir=DIR/../pb_migrations]
                  [--hooksDir=DIR/../pb_hooks] [--publicDir=DIR/../pb_public] [--indexFallback=true]
                  [--automigrate=true] [--hooksWatch=true]
                  [--realtimeHeartbeat=25] [--realtimeIdleTimeout=300] [--realtimeMaxLifetime=1800]
                  [--realtimeBuffer=1048576] [--realtimeResumeWindow=300] [--realtimeResumeEvents=100000]
                  [--realtimeBroker=redis://HOST:PORT] [--realtimeBrokerOptional]
                  [--workers=N] [--reusePort] [--readWorkers=2] [--bodyLimit=33554432]
                  [--loginMaxFailures=5] [--loginMaxIpFailures=20] [--loginWindow=60] [--mailLog]
                  [--thumbMaxPixels=40000000]
                  [--realtimeWsMaxSubscriptions=1000] [--realtimeWsSubscribeRate=10]
                  [--realtimeWsPerIp=100] [--realtimeWsPerUser=20]
  pocketbun bridge --config=FILE
  pocketbun superuser upsert|create|update EMAIL PASSWORD [--dir=./pb_data]
  pocketbun superuser delete|otp EMAIL [--dir=./pb_data]
  pocketbun migrate up|down [N] [--dir=./pb_data] [--migrationsDir=DIR/../pb_migrations]
  pocketbun migrate create NAME | collections | history-sync [--dir=./pb_data] [--migrationsDir=…]`

const SERVE_FLAGS: Array<keyof Config> = [
  "http", "dir", "migrationsDir", "hooksDir", "publicDir", "indexFallback", "automigrate", "hooksWatch", "bodyLimit", "realtimeHeartbeat", "realtimeIdleTimeout",
  "realtimeMaxLifetime", "realtimeBuffer", "realtimeResumeWindow", "realtimeResumeEvents", "realtimeBroker", "realtimeBrokerOptional", "workers", "reusePort", "readWorkers",
  "loginMaxFailures", "loginMaxIpFailures", "loginWindow", "mailLog", "thumbMaxPixels",
  "realtimeWsMaxSubscriptions", "realtimeWsSubscribeRate", "realtimeWsPerIp", "realtimeWsPerUser",
]

/** `help`, or `--help`/`-h` anywhere (`serve --help`): the usage is the answer, not an error. */
const wantsHelp = (argv: string[]): boolean => argv[0] === "help" || argv.includes("--help") || argv.includes("-h")

async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(USAGE)
    return 0
  }
  const { positional, flags } = splitArgs(argv, BOOLEAN_KEYS)
  const [command, ...rest] = positional
  switch (command) {
    case "serve":
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`)
      return serve(buildConfig(flags, process.env, SERVE_FLAGS))
    case "superuser":
      return superuser(rest, commandConfig(flags))
    case "migrate":
      return migrate(rest, commandConfig(flags))
    case "bridge":
      return bridge(rest, flags)
    case undefined:
      throw new UsageError("missing command")
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

// Commands other than serve neither write migrations nor watch hooks.
const commandConfig = (flags: Map<string, string>) =>
  Object.freeze({ ...buildConfig(flags, process.env, ["dir", "migrationsDir", "hooksDir", "automigrate"]), automigrate: false, hooksWatch: false, publicDir: "" })

async function applyMigrations(app: App): Promise<void> {
  const applied = await migrateUp(appMigrations(app.services))
  for (const file of applied) console.log(`applied migration ${file}`)
}

// Hook files may start work nobody awaits (a stray promise, a timer that throws): log it, keep serving.
function surviveStrayErrors(): void {
  process.on("unhandledRejection", (error) => console.error("unhandled rejection (kept serving):", error))
  process.on("uncaughtException", (error) => console.error("uncaught exception (kept serving):", error))
}

async function serve(config: Readonly<Config>): Promise<number> {
  surviveStrayErrors()
  if (config.workers > 1) {
    // Migrations run once, here, before any worker opens the database.
    const app = createApp(config)
    try {
      await applyMigrations(app)
      printInstallLink(app, `http://${config.http}`)
    } finally {
      app.close()
    }
    return runWorkers(config, Bun.argv.slice(2))
  }
  const cluster = await connectCluster(config)
  const app = createApp(config, { cluster: cluster ?? undefined })
  try {
    await applyMigrations(app)
  } catch (error) {
    app.close()
    throw error
  }
  const separator = config.http.lastIndexOf(":")
  const running = await serveApp(app, config.http.slice(0, separator) || "127.0.0.1", Number(config.http.slice(separator + 1)), config.reusePort)
  console.log(`Server started at ${running.url} (pid ${process.pid})\n├─ REST API:  ${running.url}/api/\n├─ Dashboard: ${running.url}/_/\n└─ Data dir:  ${config.dir}`)
  // With --workers the parent printed the link once already.
  if (!process.env[WORKER_ENV]) printInstallLink(app, running.url)
  await new Promise<void>((resolve) => {
    const shutdown = () => resolve()
    process.once("SIGINT", shutdown)
    process.once("SIGTERM", shutdown)
  })
  await running.stop()
  return 0
}

// While no superuser exists, a one-time link lets the first visitor create one from the browser.
function printInstallLink(app: App, baseUrl: string): void {
  const link = installLink(app.services, baseUrl)
  if (link) console.log(`\nNo superuser yet. Open this link within 30 minutes to create the first one:\n${link}\n(or run: pocketbun superuser upsert EMAIL PASSWORD)\n`)
}

async function bridge(args: string[], flags: Map<string, string>): Promise<number> {
  const path = flags.get("config")
  if (args.length > 0 || !path || flags.size > 1) throw new UsageError("bridge takes only --config=FILE")
  const running = await startBridge(await loadBridgeConfig(path))
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve)
    process.once("SIGTERM", resolve)
  })
  await running.stop()
  return 0
}

async function superuser(args: string[], config: Readonly<Config>): Promise<number> {
  const [action, email, password, ...extra] = args
  const wantsPassword = action === "upsert" || action === "create" || action === "update"
  if (!action || !["upsert", "create", "update", "delete", "otp"].includes(action)) throw new UsageError(`unknown superuser action "${action ?? ""}"`)
  if (!email || (wantsPassword && !password) || extra.length > 0 || (!wantsPassword && password)) {
    throw new UsageError(`superuser ${action} takes ${wantsPassword ? "EMAIL PASSWORD" : "EMAIL"}`)
  }
  const app = createApp(config)
  try {
    if (action === "otp") {
      const otp = await createSuperuserOtp(app.services, email)
      console.log(`Successfully created OTP for superuser "${email}":\n├─ Id:    ${otp.id}\n├─ Pass:  ${otp.password}\n└─ Valid: ${otp.duration}s`)
    } else if (action === "delete") {
      deleteSuperuser(app.services, email)
      console.log(`Successfully deleted superuser ${email}!`)
    } else if (action === "update") {
      await updateSuperuser(app.services, email, password!)
      console.log(`Successfully changed superuser ${email} password!`)
    } else if (action === "create") {
      await createSuperuser(app.services, email, password!)
      console.log(`Successfully created new superuser ${email}!`)
    } else {
      await upsertSuperuser(app.services, email, password!)
      console.log(`Successfully saved superuser ${email}!`)
    }
    return 0
  } finally {
    app.close()
  }
}

async function migrate(args: string[], config: Readonly<Config>): Promise<number> {
  const [action, argument, ...extra] = args
  if (!["up", "down", "create", "collections", "history-sync"].includes(action ?? "")) {
    throw new UsageError(`migrate takes up, down, create, collections or history-sync, got "${action ?? ""}"`)
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`)
  if (action === "down" && argument !== undefined && !/^\d+$/.test(argument)) throw new UsageError("migrate down's N must be a whole number")
  if (action === "create" && !argument) throw new UsageError("migrate create takes a NAME")
  if (["up", "collections", "history-sync"].includes(action!) && argument !== undefined) throw new UsageError(`unexpected argument "${argument}"`)
  const app = createApp(config)
  try {
    const { services } = app
    if (action === "create") {
      console.log(`Successfully created file "${writeBlankMigration(config.migrationsDir, argument!)}"`)
    } else if (action === "collections") {
      console.log(`Successfully created file "${writeCollectionsSnapshot(config.migrationsDir, services)}"`)
    } else if (action === "history-sync") {
      const removed = syncMigrationHistory(services.store, config.migrationsDir)
      console.log(`Removed ${removed.length} missing migration${removed.length === 1 ? "" : "s"} from the history.`)
    } else {
      const files = action === "up" ? await migrateUp(appMigrations(app.services)) : await migrateDown(appMigrations(app.services), argument === undefined ? 1 : Number(argument))
      console.log(files.length === 0 ? "No migrations to apply." : files.map((f) => `${action === "up" ? "Applied" : "Reverted"} ${f}`).join("\n"))
    }
    return 0
  } finally {
    app.close()
  }
}

main(Bun.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UsageError) {
      console.error(`Error: ${error.message}\n${USAGE}`)
      process.exit(2)
    }
    if (error instanceof MigrationError || error instanceof SuperuserInputError || error instanceof BrokerUnavailableError || error instanceof BridgeConfigError) {
      console.error(`Error: ${error.message}`)
      process.exit(1)
    }
    console.error(error)
    process.exit(1)
  },
)
