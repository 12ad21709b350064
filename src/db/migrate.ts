/**
 * @module
 * Applies the app's migration files (`*.ts`/`*.js` exporting `up(app)` and `down(app)`) in file
 * name order, each in one transaction, recorded in `_migrations`.
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

async function load<App>(dir: string, file: string): Promise<Migration<App>> {
  const module = (await import(resolve(join(dir, file)))) as Partial<Migration<App>>
  if (typeof module.up !== "function") throw new MigrationError(file, new Error("it does not export an up(app) function"))
  return module as Migration<App>
}

/** Applies every pending migration; returns the names applied. Stops at the first failure. */
export async function migrateUp<App>(store: Store, dir: string, app: App, afterEach?: () => void): Promise<string[]> {
  const applied = new Set(appliedMigrations(store))
  const done: string[] = []
  for (const file of migrationFiles(dir)) {
    if (applied.has(file)) continue
    const migration = await load<App>(dir, file)
    try {
      await store.transactionAsync(async () => {
        await migration.up(app)
        store.run("INSERT INTO _migrations (file, applied) VALUES (?, ?)", [file, Date.now()])
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
export async function migrateDown<App>(store: Store, dir: string, app: App, count = 1, afterEach?: () => void): Promise<string[]> {
  const applied = appliedMigrations(store).reverse().slice(0, count)
  const done: string[] = []
  for (const file of applied) {
    const migration = await load<App>(dir, file)
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
