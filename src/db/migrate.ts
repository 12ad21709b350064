/**
 * @module
 * Applies the app's migration files in file name order, each in one transaction, recorded in
 * `_migrations` by file name (as PocketBase records them). Modules exporting `up(app)` and
 * `down(app)` load here; other kinds (PocketBase's JavaScript format) through a caller's loader.
 */
import { readdirSync, existsSync } from "node:fs"
import { join, resolve } from "node:path"
import type { Store } from "./store.ts"

/** One migration module. `app` is whatever the caller passes (the server's services). */
export interface Migration<App> {
  up(app: App): void | Promise<void>
  down?(app: App): void | Promise<void>
}

/** A migration that threw; carries the file name so the CLI can say which one failed. */
export class MigrationError extends Error {
  constructor(readonly file: string, cause: unknown) {
    super(`migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}

const SCHEMA = "CREATE TABLE IF NOT EXISTS _migrations (file TEXT PRIMARY KEY NOT NULL, applied INTEGER NOT NULL)"

/** Migration file names in the folder, in the order they apply. */
export function migrationFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((name) => /\.(ts|js)$/.test(name) && !name.endsWith(".d.ts") && !/\.test\.(ts|js)$/.test(name))
    .sort()
}

/** Names of the applied migrations, oldest first. */
export function appliedMigrations(store: Store): string[] {
  store.exec(SCHEMA)
  return store.all<{ file: string }>("SELECT file FROM _migrations ORDER BY applied, file").map((r) => r.file)
}

/** Loads one migration file; the default imports a module exporting `up`/`down`. */
export type MigrationLoader<App> = (dir: string, file: string) => Promise<Migration<App>>

/** One run of the migrator. */
export interface MigrationRun<App> {
  store: Store
  dir: string
  /** Passed to every migration's `up`/`down`. */
  app: App
  /** Runs after each migration, applied or failed (the schema cache is re-read then). */
  afterEach?: () => void
  load?: MigrationLoader<App>
}

/** Imports a module exporting `up(app)` (and `down(app)`). */
export async function loadModuleMigration<App>(dir: string, file: string): Promise<Migration<App>> {
  const module = (await import(resolve(join(dir, file)))) as Partial<Migration<App>>
  if (typeof module.up !== "function") throw new MigrationError(file, new Error("it does not export an up(app) function"))
  return module as Migration<App>
}

/** Applies every pending migration; returns the names applied. Stops at the first failure. */
export async function migrateUp<App>({ store, dir, app, afterEach, load = loadModuleMigration }: MigrationRun<App>): Promise<string[]> {
  const applied = new Set(appliedMigrations(store))
  const done: string[] = []
  for (const file of migrationFiles(dir)) {
    if (applied.has(file)) continue
    const migration = await loadOrFail(load, dir, file)
    try {
      await store.transactionAsync(async () => {
        await migration.up(app)
        markMigrationApplied(store, file)
      })
    } catch (error) {
      afterEach?.()
      throw error instanceof MigrationError ? error : new MigrationError(file, error)
    }
    afterEach?.()
    done.push(file)
  }
  return done
}

/** Reverts the last `count` applied migrations, newest first; returns the names reverted. */
export async function migrateDown<App>({ store, dir, app, afterEach, load = loadModuleMigration }: MigrationRun<App>, count = 1): Promise<string[]> {
  const applied = appliedMigrations(store).reverse().slice(0, count)
  const done: string[] = []
  for (const file of applied) {
    const migration = await loadOrFail(load, dir, file)
    try {
      await store.transactionAsync(async () => {
        await migration.down?.(app)
        store.run("DELETE FROM _migrations WHERE file = ?", [file])
      })
    } catch (error) {
      afterEach?.()
      throw new MigrationError(file, error)
    }
    afterEach?.()
    done.push(file)
  }
  return done
}

async function loadOrFail<App>(load: MigrationLoader<App>, dir: string, file: string): Promise<Migration<App>> {
  try {
    return await load(dir, file)
  } catch (error) {
    throw error instanceof MigrationError ? error : new MigrationError(file, error)
  }
}

/** Records `file` as applied without running it (a migration written from a change already made). */
export function markMigrationApplied(store: Store, file: string): void {
  store.exec(SCHEMA)
  // Microseconds, as PocketBase stores them.
  store.run("INSERT OR REPLACE INTO _migrations (file, applied) VALUES (?, ?)", [file, Date.now() * 1000])
}

/** Forgets applied migrations whose files are gone (PocketBase's `migrate history-sync`); returns their names. */
export function syncMigrationHistory(store: Store, dir: string): string[] {
  const present = new Set(migrationFiles(dir))
  const gone = appliedMigrations(store).filter((file) => !present.has(file))
  for (const file of gone) store.run("DELETE FROM _migrations WHERE file = ?", [file])
  return gone
}
