/**
 * @module
 * Backups as PocketBase makes them: a zip of `data.db` and `auxiliary.db` (consistent snapshots
 * taken with `VACUUM INTO` on a worker thread while writes go on) and every other file of the data
 * directory (uploads in `storage/`), kept in `DIR/backups`. Restore validates the archive and both
 * databases first, then swaps the files and replaces the live databases' content in one
 * transaction each (see replace-content.ts), so a failed restore leaves the old data serving and a
 * successful one needs no process restart. Automatic backups follow `backups.cron`, keeping
 * `backups.cronMaxKeep` of them.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { ApiError, badRequest, fieldError } from "../core/errors.ts"
import { randomString } from "../core/random.ts"
import type { Store } from "../db/store.ts"
import type { CronScheduler } from "../cron/index.ts"
import { baseMime, fileSnakeCase, sniff } from "../files/index.ts"
import type { Logger } from "../logs/index.ts"
import type { SettingsService } from "../settings/index.ts"
import { createZip, readZip } from "./archive.ts"
import { LocalBackupFiles, type BackupFileInfo, type BackupFiles } from "./backup-files.ts"
import { checkDatabase, replaceDatabaseContent } from "./replace-content.ts"
import { snapshotDatabase } from "./snapshot.ts"

const DATA_DB = "data.db"
const AUX_DB = "auxiliary.db"
const BACKUPS_DIR = "backups"
/** PocketBase's scratch folder inside the data directory. */
const TEMP_DIR = ".pb_temp_to_delete"
const AUTO_PREFIX = "@auto_pb_backup_"
const AUTO_JOB_ID = "__pbAutoBackup__"
const BACKUP_NAME = /^[a-z0-9_-]+\.zip$/
/** Tables holding this deployment's runtime state (commit sequence, cron claims), kept on restore. */
const RUNTIME_TABLES = new Set(["_change_sequence", "_cron_ticks"])

export interface BackupsServiceOptions {
  dataDir: string
  store: Store
  auxStore: Store
  settings: SettingsService
  cron: CronScheduler
  logger: Logger
  /** Called after a restore replaced the data: caches must be re-read. */
  onRestored: () => void
  /** @default the local `DIR/backups` folder */
  files?: BackupFiles
}

/** Creates, lists, stores and restores backups of the data directory. */
export class BackupsService {
  readonly files: BackupFiles
  readonly #options: BackupsServiceOptions
  #active: string | null = null

  constructor(options: BackupsServiceOptions) {
    this.#options = options
    this.files = options.files ?? new LocalBackupFiles(join(options.dataDir, BACKUPS_DIR))
    this.#scheduleAutoBackups()
    options.settings.subscribe((next, previous) => {
      if (next.backups.cron !== previous.backups.cron) this.#scheduleAutoBackups()
    })
  }

  /** The backup or restore in progress, if any (the health endpoint's `canBackup`). */
  get active(): string | null {
    return this.#active
  }

  list(): BackupFileInfo[] {
    return this.files.list()
  }

  /** Validates the form's `name` (optional) and creates the backup. Throws PocketBase's 400s. */
  async createFromForm(body: Record<string, unknown>): Promise<void> {
    if (this.#active) throw badRequest("Try again later - another backup/restore process has already been started")
    const name = body.name ?? ""
    if (typeof name !== "string") throw badRequest("An error occurred while loading the submitted data.")
    if (name !== "") {
      const error =
        [...name].length > 150
          ? fieldError("validation_length_out_of_range", "The length must be between 1 and 150.", { max: 150, min: 1 })
          : !BACKUP_NAME.test(name)
            ? fieldError("validation_match_invalid", "Must be in a valid format.")
            : this.files.exists(name)
              ? fieldError("validation_backup_name_exists", "The backup file name is invalid or already exists.")
              : null
      if (error) throw badRequest("An error occurred while validating the submitted data.", { name: error })
    }
    try {
      await this.create(name || this.#generateName("pb_backup_"))
    } catch (error) {
      throw new ApiError(400, "Failed to create backup.", {}, { cause: error })
    }
  }

  /** Snapshots the databases, zips them with the other files, and stores the archive as `name`. */
  async create(name: string): Promise<void> {
    if (this.#active) throw new Error("another backup/restore process has already been started")
    this.#active = name
    const scratch = this.#scratchDir("backup")
    try {
      const { dataDir, store, auxStore } = this.#options
      await snapshotDatabase(store.db.filename, join(scratch, DATA_DB))
      await snapshotDatabase(auxStore.db.filename, join(scratch, AUX_DB))
      const files = new Map<string, Uint8Array>()
      for (const db of [DATA_DB, AUX_DB]) files.set(db, await Bun.file(join(scratch, db)).bytes())
      for (const path of dataFiles(dataDir)) files.set(relative(dataDir, path).split("\\").join("/"), await Bun.file(path).bytes())
      this.files.write(name, await createZip(files))
    } finally {
      rmSync(scratch, { recursive: true, force: true })
      this.#active = null
    }
  }

  /** Stores an uploaded archive under its own name. Throws PocketBase's 400s. */
  async upload(file: File | null): Promise<void> {
    const invalid = (error: ReturnType<typeof fieldError>) => badRequest("An error occurred while validating the submitted data.", { file: error })
    if (!file || file.size === 0) throw invalid(fieldError("validation_required", "Cannot be blank."))
    const content = new Uint8Array(await file.arrayBuffer())
    const name = file.name.split(/[/\\]/).pop() ?? ""
    if (baseMime(sniff(content.subarray(0, 3072)).mime) !== "application/zip") {
      throw invalid(fieldError("validation_invalid_mime_type", `"${name}" mime type must be one of: application/zip.`))
    }
    if (this.files.exists(name) || name === "" || name.startsWith(".")) {
      throw invalid(fieldError("validation_backup_name_exists", "Backup file with the specified name already exists."))
    }
    this.files.write(name, content)
  }

  /** Deletes a backup. Throws PocketBase's 400s. */
  remove(key: string): void {
    if (key === this.#active) throw badRequest("The backup is currently being used and cannot be deleted.")
    try {
      this.files.remove(key)
    } catch (error) {
      throw badRequest(`Invalid or already deleted backup file. Raw error: \n${error instanceof Error ? error.message : String(error)}`)
    }
  }

  /**
   * Replaces the current data with backup `key`. Everything is checked before anything changes;
   * any failure leaves the current data in place. Throws PocketBase's 400s.
   */
  async restore(key: string): Promise<void> {
    if (this.#active) throw badRequest("Try again later - another backup/restore process has already been started.")
    if (!this.files.exists(key)) throw badRequest("Missing or invalid backup file.")
    this.#active = key
    const scratch = this.#scratchDir("restore")
    try {
      const extracted = join(scratch, "data")
      await this.#extract(key, extracted)
      checkDatabase(join(extracted, DATA_DB), "_collections")
      const hasAux = existsSync(join(extracted, AUX_DB))
      if (hasAux) checkDatabase(join(extracted, AUX_DB), "_logs")
      this.#replace(extracted, join(scratch, "previous"), hasAux)
      this.#options.onRestored()
    } catch (error) {
      this.#options.logger.error("Failed to restore backup", { key, error: error instanceof Error ? error.message : String(error) })
      throw error instanceof ApiError ? error : new ApiError(400, "Missing or invalid backup file.", {}, { cause: error })
    } finally {
      rmSync(scratch, { recursive: true, force: true })
      this.#active = null
    }
  }

  async #extract(key: string, target: string): Promise<void> {
    const entries = await readZip(await this.files.read(key))
    for (const [name, content] of entries) {
      const path = join(target, name)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, content)
    }
  }

  // Files first (moved aside, put back on failure), then the databases' content.
  #replace(extracted: string, previous: string, hasAux: boolean): void {
    const { dataDir, store, auxStore } = this.#options
    mkdirSync(previous, { recursive: true })
    moveEntries(dataDir, previous)
    moveEntries(extracted, dataDir)
    try {
      replaceDatabaseContent(store, join(extracted, DATA_DB), RUNTIME_TABLES)
    } catch (error) {
      moveEntries(dataDir, extracted)
      moveEntries(previous, dataDir)
      throw error
    }
    if (hasAux) {
      try {
        replaceDatabaseContent(auxStore, join(extracted, AUX_DB), new Set())
      } catch (error) {
        // The data is restored; old logs are not worth failing the restore for.
        this.#options.logger.warn("Failed to restore the logs database", { error: String(error) })
      }
    }
  }

  #scratchDir(kind: string): string {
    const dir = join(this.#options.dataDir, TEMP_DIR, `${kind}_${randomString(8)}`)
    mkdirSync(dir, { recursive: true })
    return dir
  }

  #generateName(prefix: string): string {
    const app = fileSnakeCase(this.#options.settings.get().meta.appName).slice(0, 50)
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14)
    return `${prefix}${app}_${stamp}.zip`
  }

  #scheduleAutoBackups(): void {
    const { cron, settings, logger } = this.#options
    const expression = settings.get().backups.cron
    if (expression === "") {
      cron.remove(AUTO_JOB_ID)
      return
    }
    cron.add(AUTO_JOB_ID, expression, async () => {
      const name = this.#generateName(AUTO_PREFIX)
      try {
        await this.create(name)
      } catch (error) {
        logger.error("[Backup cron] Failed to create backup", { name, error: error instanceof Error ? error.message : String(error) })
        return
      }
      this.#pruneAutoBackups()
    })
  }

  // Keeps the newest `cronMaxKeep` automatic backups.
  #pruneAutoBackups(): void {
    const maxKeep = this.#options.settings.get().backups.cronMaxKeep
    const auto = this.files.list().filter((file) => file.key.startsWith(AUTO_PREFIX))
    if (maxKeep <= 0 || auto.length <= maxKeep) return
    auto.sort((a, b) => b.modified.getTime() - a.modified.getTime())
    for (const file of auto.slice(maxKeep)) this.files.remove(file.key)
  }
}

// The data directory's own files, not the databases, backups or scratch space.
const SKIPPED_ENTRIES = new Set([DATA_DB, `${DATA_DB}-wal`, `${DATA_DB}-shm`, AUX_DB, `${AUX_DB}-wal`, `${AUX_DB}-shm`, BACKUPS_DIR, TEMP_DIR])

function dataFiles(dir: string): string[] {
  const files: string[] = []
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (folder === dir && SKIPPED_ENTRIES.has(entry.name)) continue
      const path = join(folder, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) files.push(path)
    }
  }
  walk(dir)
  return files
}

// Moves the top-level entries of `from` (the skipped ones aside) into `to`.
function moveEntries(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    if (SKIPPED_ENTRIES.has(name)) continue
    const target = join(to, name)
    if (existsSync(target)) rmSync(target, { recursive: true, force: true })
    renameSync(join(from, name), target)
  }
}

