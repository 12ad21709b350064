/**
 * @module
 * PocketBase's JavaScript migrations: files that call `migrate(up, down)` with the model classes
 * and `app` in scope. They share one folder and one `_migrations` history with TypeScript
 * migration modules (files exporting `up`/`down`), ordered by file name; this loader tells the
 * two kinds apart by their text. Also writes the files `migrate create` and `migrate collections`
 * make.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { loadModuleMigration, type Migration, type MigrationLoader, type MigrationRun } from "../db/migrate.ts"
import { collectionJSON } from "../records/collection-json.ts"
import type { Services } from "../services.ts"
import { baseGlobals } from "./globals.ts"
import { JsApp } from "./js-app.ts"
import { runScript, scriptLocation } from "./script.ts"
import { ApiError } from "../core/errors.ts"

type MigrationFunc = (app: JsApp) => void

// A module declares its exports; a PocketBase migration is a script calling the global `migrate`.
const isModule = (file: string, source: string) => file.endsWith(".ts") || /^\s*export\s|\bmodule\.exports\b/m.test(source)

/** Loads either kind of migration file; PocketBase's run against `$app`-style bindings of `services`. */
export function migrationLoader(services: Services): MigrationLoader<unknown> {
  return async (dir, file) => {
    const path = join(dir, file)
    const source = readFileSync(path, "utf8")
    if (isModule(file, source)) return loadModuleMigration(dir, file)
    const app = new JsApp(services)
    let registered: { up: MigrationFunc; down?: MigrationFunc } | null = null
    const migrate = (up: MigrationFunc, down?: MigrationFunc) => void (registered = { up, down })
    runScript(source, path, { ...baseGlobals(app, services.config.hooksDir), migrate })
    const found = registered as { up: MigrationFunc; down?: MigrationFunc } | null
    if (!found || typeof found.up !== "function") throw new Error("it neither calls migrate(up, down) nor exports up(app)")
    const run = (step: MigrationFunc | undefined) => () => explained(path, () => step?.(app))
    return { up: run(found.up), down: run(found.down) } satisfies Migration<unknown>
  }
}

/** A migrator run over the app's migrations folder: either kind of file, the schema cache re-read after each. */
export function appMigrations(services: Services): MigrationRun<unknown> {
  return { store: services.store, dir: services.config.migrationsDir, app: services, afterEach: () => services.collections.reload(), load: migrationLoader(services) }
}

// A failing migration's error names the line in the file and, for API errors, the invalid fields.
function explained(path: string, work: () => unknown): void {
  try {
    work()
  } catch (error) {
    const where = scriptLocation(error, (file) => file === path)
    const details = error instanceof ApiError && Object.keys(error.data).length > 0 ? ` ${JSON.stringify(error.data)}` : ""
    const message = `${error instanceof Error ? error.message : String(error)}${details}${where ? ` (at ${where})` : ""}`
    throw new Error(message, { cause: error })
  }
}

const REFERENCE_LINE = "/// <reference path=\"../pb_data/types.d.ts\" />"

/** PocketBase's migration file name: `UNIXSECONDS_name.js`. */
export function migrationFileName(name: string, now = new Date()): string {
  return `${Math.floor(now.getTime() / 1000)}_${name}.js`
}

// `migrate create "Add posts"` names its file `..._add_posts.js`.
const snakeCase = (name: string) =>
  name.trim().replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase()

/**
 * Writes a migration file into `dir` (created if missing); returns its path. Two changes within
 * one second get increasing times, so file-name order stays the order they happened in.
 */
export function writeMigration(dir: string, name: string, up: string, down: string): string {
  mkdirSync(dir, { recursive: true })
  const latest = Math.max(0, ...readdirSync(dir).map((file) => Number(/^(\d+)_/.exec(file)?.[1] ?? 0)))
  const path = join(dir, migrationFileName(name, new Date(Math.max(Date.now(), (latest + 1) * 1000))))
  writeFileSync(path, `${REFERENCE_LINE}\nmigrate((app) => {\n${up}\n}, (app) => {\n${down}\n})\n`)
  return path
}

/** JSON with keys in byte order (as Go writes maps), indented and shifted by `indent` spaces. */
export function sortedJson(value: unknown, indent = 0): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort)
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]))
    return v
  }
  return JSON.stringify(sort(value), null, 2).replaceAll("\n", `\n${" ".repeat(indent)}`)
}

/** A collection as migrations write it: its API JSON without dates. */
export function migrationJson(collection: Parameters<typeof collectionJSON>[0]): Record<string, unknown> {
  const { created: _created, updated: _updated, ...rest } = collectionJSON(collection)
  return rest
}

/** `migrate create NAME`: a blank migration. */
export function writeBlankMigration(dir: string, name: string): string {
  return writeMigration(dir, snakeCase(name), "  // add up queries...", "  // add down queries...")
}

/** `migrate collections`: a snapshot of every collection, imported by its up. */
export function writeCollectionsSnapshot(dir: string, services: Services): string {
  const snapshot = services.collections.all().map(migrationJson)
  return writeMigration(dir, "collections_snapshot", `  const snapshot = ${sortedJson(snapshot, 2)};\n\n  return app.importCollections(snapshot, false);`, "  return null;")
}
