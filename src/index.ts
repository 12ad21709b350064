/**
 * @module
 * The package's public face (`import { createApp } from "pocketbun"`): an app extended in
 * TypeScript with the same hooks, routes and crons `pb_hooks` use, started with `bun run`.
 *
 * @example
 * import { createApp } from "pocketbun"
 * const app = createApp({ dir: "./pb_data" })
 * app.routes.add("GET", "/api/hello/{name}", (e) => e.json(200, { hello: e.pathValue("name") }))
 * app.hooks.onRecordCreateRequest.bindFunc((e) => e.next(), "posts")
 * await app.start()
 */
import { join, resolve } from "node:path"
import { createApp as createCoreApp, type App } from "./app.ts"
import { DEFAULT_CONFIG, type Config } from "./config.ts"
import { migrateUp } from "./db/migrate.ts"
import { appMigrations } from "./jsvm/index.ts"
import { serveApp, type RunningServer } from "./server.ts"
import type { CronScheduler } from "./cron/index.ts"
import type { RouteTable } from "./jsvm/index.ts"

export { ApiError, badRequest, forbidden, notFound } from "./core/errors.ts"
export type { Collection, Field, RecordData, AuthContext, RequestInfo } from "./core/types.ts"
export * from "./hooks/index.ts"
export { RouterEvent, type RouteHandler } from "./jsvm/index.ts"
export type { Config } from "./config.ts"
export type { App } from "./app.ts"

/** An app made from TypeScript: the core app plus its routes and crons at hand, and `start()`. */
export interface PocketbunApp extends App {
  /** Custom routes and global middlewares (what `routerAdd` / `routerUse` fill). */
  routes: RouteTable
  /** Scheduled jobs (what `cronAdd` fills): `cron.add(id, "*\/5 * * * *", fn)`. */
  cron: CronScheduler
  /** Applies pending migrations (`migrationsDir`), then listens on `http`; resolves once listening. */
  start(): Promise<RunningServer>
}

/**
 * Builds an app. Options not given take the command line's defaults: data in `./pb_data`,
 * `pb_migrations`, `pb_hooks` and `pb_public` beside it, listening on 127.0.0.1:8090.
 */
export function createApp(options: Partial<Config> = {}): PocketbunApp {
  const dir = resolve(options.dir ?? DEFAULT_CONFIG.dir)
  const beside = (folder: string) => join(dir, "..", folder)
  const config: Config = {
    ...DEFAULT_CONFIG,
    migrationsDir: beside("pb_migrations"),
    hooksDir: beside("pb_hooks"),
    publicDir: beside("pb_public"),
    ...options,
    dir,
  }
  const app = createCoreApp(Object.freeze(config))
  return {
    ...app,
    routes: app.services.routes,
    cron: app.services.cron,
    async start() {
      await migrateUp(appMigrations(app.services))
      const separator = config.http.lastIndexOf(":")
      return serveApp(app, config.http.slice(0, separator) || "127.0.0.1", Number(config.http.slice(separator + 1)), config.reusePort)
    },
  }
}
