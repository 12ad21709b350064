/**
 * @module
 * The PocketBase JavaScript app runtime: `pb_migrations` in PocketBase's format, automigrate,
 * and `pb_hooks` (custom routes, middlewares, hooks, cron jobs), run by Bun itself.
 */
export { bindAutomigrate } from "./automigrate.ts"
export { appMigrations, writeBlankMigration, writeCollectionsSnapshot } from "./migrations.ts"
export { JsHooks } from "./hooks-loader.ts"
export { RouteTable, RouterEvent, type RouteHandler } from "./router.ts"
