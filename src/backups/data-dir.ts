/**
 * @module
 * The data directory as backups see it: the databases, the backups folder and the scratch space
 * are handled apart; everything else (uploads in `storage/`, other files) is archived as it is and
 * swapped as a whole on restore.
 */
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs"
import { join } from "node:path"
import { SETTINGS_SIGNAL_FILE } from "../config.ts"

export const DATA_DB = "data.db"
export const AUX_DB = "auxiliary.db"
export const BACKUPS_DIR = "backups"
/** PocketBase's scratch folder inside the data directory. */
export const TEMP_DIR = ".pb_temp_to_delete"

// The data directory's own files, not the databases, backups or scratch space (nor the running
// processes' shared counter, which they keep mapped).
const SKIPPED_ENTRIES = new Set([DATA_DB, `${DATA_DB}-wal`, `${DATA_DB}-shm`, AUX_DB, `${AUX_DB}-wal`, `${AUX_DB}-shm`, BACKUPS_DIR, TEMP_DIR, SETTINGS_SIGNAL_FILE])

/** Paths of the files to archive under data directory `dir`. */
export function dataFiles(dir: string): string[] {
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

/** Moves the top-level entries of `from` (the databases, backups and scratch space aside) into `to`. */
export function moveEntries(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    if (SKIPPED_ENTRIES.has(name)) continue
    const target = join(to, name)
    if (existsSync(target)) rmSync(target, { recursive: true, force: true })
    renameSync(join(from, name), target)
  }
}

