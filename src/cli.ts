#!/usr/bin/env bun
/**
 * @module
 * The command line, spelled as PocketBase's: `serve`, `superuser upsert|create|delete`,
 * `migrate up|down`. The only place that reads argv and env or starts a server.
 */
import { BOOLEAN_KEYS, buildConfig, splitArgs, UsageError, type Config } from "./config.ts"
import { BrokerUnavailableError, connectCluster, runWorkers } from "./cluster.ts"
import { createApp, type App } from "./app.ts"
import { serveApp } from "./server.ts"
import { migrateDown, migrateUp, MigrationError } from "./db/migrate.ts"
import { createSuperuser, deleteSuperuser, SuperuserInputError, upsertSuperuser } from "./auth/superusers.ts"

const USAGE = `usage:
  pocketbun serve [--http=127.0.0.1:8090] [--dir=./pb_data] [--migrationsDir=./migrations]
                  [--realtimeHeartbeat=25] [--realtimeIdleTimeout=300] [--realtimeMaxLifetime=1800]
                  [--realtimeBuffer=1048576] [--realtimeBroker=redis://HOST:PORT] [--realtimeBrokerOptional]
                  [--workers=N] [--reusePort] [--readWorkers=2] [--bodyLimit=33554432]
                  [--loginMaxFailures=5] [--loginMaxIpFailures=20] [--loginWindow=60]
  pocketbun superuser upsert|create EMAIL PASSWORD [--dir=./pb_data]
  pocketbun superuser delete EMAIL [--dir=./pb_data]
  pocketbun migrate up|down [N] [--dir=./pb_data] [--migrationsDir=./migrations]`

const SERVE_FLAGS: Array<keyof Config> = [
  "http", "dir", "migrationsDir", "bodyLimit", "realtimeHeartbeat", "realtimeIdleTimeout",
  "realtimeMaxLifetime", "realtimeBuffer", "realtimeBroker", "realtimeBrokerOptional", "workers", "reusePort", "readWorkers",
  "loginMaxFailures", "loginMaxIpFailures", "loginWindow",
]

async function main(argv: string[]): Promise<number> {
  const { positional, flags } = splitArgs(argv, BOOLEAN_KEYS)
  const [command, ...rest] = positional
  switch (command) {
    case "serve":
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`)
      return serve(buildConfig(flags, process.env, SERVE_FLAGS))
    case "superuser":
      return superuser(rest, buildConfig(flags, process.env, ["dir", "migrationsDir"]))
    case "migrate":
      return migrate(rest, buildConfig(flags, process.env, ["dir", "migrationsDir"]))
    case undefined:
      throw new UsageError("missing command")
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

async function applyMigrations(app: App): Promise<void> {
  const applied = await migrateUp(app.services.store, app.services.config.migrationsDir, app.services, () => app.services.collections.reload())
  for (const file of applied) console.log(`applied migration ${file}`)
}

async function serve(config: Readonly<Config>): Promise<number> {
  if (config.workers > 1) {
    // Migrations run once, here, before any worker opens the database.
    const app = createApp(config)
    try {
      await applyMigrations(app)
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
  console.log(`Server started at ${running.url} (pid ${process.pid})\n├─ REST API:  ${running.url}/api/\n└─ Data dir:  ${config.dir}`)
  await new Promise<void>((resolve) => {
    const shutdown = () => resolve()
    process.once("SIGINT", shutdown)
    process.once("SIGTERM", shutdown)
  })
  await running.stop()
  return 0
}

async function superuser(args: string[], config: Readonly<Config>): Promise<number> {
  const [action, email, password, ...extra] = args
  const wantsPassword = action === "upsert" || action === "create"
  if (!action || !["upsert", "create", "delete"].includes(action)) throw new UsageError(`unknown superuser action "${action ?? ""}"`)
  if (!email || (wantsPassword && !password) || extra.length > 0 || (!wantsPassword && password)) {
    throw new UsageError(`superuser ${action} takes ${wantsPassword ? "EMAIL PASSWORD" : "EMAIL"}`)
  }
  const app = createApp(config)
  try {
    if (action === "delete") {
      deleteSuperuser(app.services, email)
      console.log(`Successfully deleted superuser ${email}!`)
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
  const [direction, countText, ...extra] = args
  if (direction !== "up" && direction !== "down") throw new UsageError(`migrate takes "up" or "down", got "${direction ?? ""}"`)
  if (extra.length > 0 || (countText !== undefined && !/^\d+$/.test(countText))) throw new UsageError("migrate's N must be a whole number")
  const app = createApp(config)
  try {
    const { store, collections } = app.services
    const reload = () => collections.reload()
    const files = direction === "up"
      ? await migrateUp(store, config.migrationsDir, app.services, reload)
      : await migrateDown(store, config.migrationsDir, app.services, countText === undefined ? 1 : Number(countText), reload)
    console.log(files.length === 0 ? "No migrations to apply." : files.map((f) => `${direction === "up" ? "Applied" : "Reverted"} ${f}`).join("\n"))
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
    if (error instanceof MigrationError || error instanceof SuperuserInputError || error instanceof BrokerUnavailableError) {
      console.error(`Error: ${error.message}`)
      process.exit(1)
    }
    console.error(error)
    process.exit(1)
  },
)
