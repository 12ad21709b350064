/**
 * @module
 * Where backups are kept: `DIR/backups/*.zip` on the local disk, as PocketBase keeps them. The
 * interface is the seam for keeping them in S3 instead (`settings.backups.s3`).
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { StoredFile } from "../files/index.ts"

/** One stored backup, as `GET /api/backups` lists it. */
export interface BackupFileInfo {
  key: string
  size: number
  modified: Date
}

/** The backups filesystem. */
export interface BackupFiles {
  list(): BackupFileInfo[]
  exists(key: string): boolean
  open(key: string): StoredFile | null
  read(key: string): Promise<Uint8Array>
  write(key: string, content: Uint8Array): void
  /** Throws when there is no such backup. */
  remove(key: string): void
}

// Keys are plain file names: no folders, nothing hidden.
const isPlainName = (key: string): boolean => key !== "" && !key.startsWith(".") && !/[/\\\0]/.test(key)

/** Backups in one local folder. */
export class LocalBackupFiles implements BackupFiles {
  readonly #dir: string

  constructor(dir: string) {
    this.#dir = dir
  }

  list(): BackupFileInfo[] {
    let names: string[]
    try {
      names = readdirSync(this.#dir)
    } catch {
      return []
    }
    return names
      .filter((name) => isPlainName(name) && statSync(join(this.#dir, name)).isFile())
      .sort()
      .map((name) => {
        const stat = statSync(join(this.#dir, name))
        return { key: name, size: stat.size, modified: stat.mtime }
      })
  }

  exists(key: string): boolean {
    return this.open(key) !== null
  }

  open(key: string): StoredFile | null {
    if (!isPlainName(key)) return null
    try {
      const path = join(this.#dir, key)
      const stat = statSync(path)
      return stat.isFile() ? { body: Bun.file(path), size: stat.size, modified: stat.mtime } : null
    } catch {
      return null
    }
  }

  async read(key: string): Promise<Uint8Array> {
    const file = this.open(key)
    if (!file) throw new Error(`missing backup ${key}`)
    return new Uint8Array(await file.body.arrayBuffer())
  }

  // Written beside and renamed into place, so a listed backup is always complete.
  write(key: string, content: Uint8Array): void {
    if (!isPlainName(key)) throw new Error(`invalid backup name ${key}`)
    mkdirSync(this.#dir, { recursive: true })
    const partial = join(this.#dir, `.${key}.partial`)
    writeFileSync(partial, content)
    renameSync(partial, join(this.#dir, key))
  }

  remove(key: string): void {
    if (!this.exists(key)) throw new Error(`[key: ${key}] no such backup file`)
    rmSync(join(this.#dir, key))
  }
}
