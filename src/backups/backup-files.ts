/**
 * @module
 * Where backups are kept, through the storage seam: `DIR/backups/*.zip` on the local disk, or the
 * root of the `settings.backups.s3` bucket while it is enabled, as PocketBase keeps them. Only
 * plain names at the top level count as backups.
 */
import type { FileContent, FileStorage, StoredFile } from "../files/index.ts"

/** One stored backup, as `GET /api/backups` lists it. */
export interface BackupFileInfo {
  key: string
  size: number
  modified: Date
}

/** The backups filesystem. */
export interface BackupFiles {
  list(): Promise<BackupFileInfo[]>
  exists(key: string): Promise<boolean>
  open(key: string): Promise<StoredFile | null>
  read(key: string): Promise<Uint8Array>
  write(key: string, content: FileContent): Promise<void>
  /** Throws when there is no such backup. */
  remove(key: string): Promise<void>
}

// Keys are plain file names: no folders, nothing hidden.
const isPlainName = (key: string): boolean => key !== "" && !key.startsWith(".") && !/[/\\\0]/.test(key)

/** Backups in the storage `storage()` answers at the time of each call (settings can switch it). */
export class StorageBackupFiles implements BackupFiles {
  readonly #storage: () => FileStorage

  constructor(storage: () => FileStorage) {
    this.#storage = storage
  }

  async list(): Promise<BackupFileInfo[]> {
    const storage = this.#storage()
    const infos = await Promise.all((await storage.list("")).filter(isPlainName).map(async (key) => {
      const file = await storage.open(key)
      return file ? { key, size: file.size, modified: file.modified } : null
    }))
    return infos.filter((info) => info !== null)
  }

  async exists(key: string): Promise<boolean> {
    return (await this.open(key)) !== null
  }

  async open(key: string): Promise<StoredFile | null> {
    return isPlainName(key) ? this.#storage().open(key) : null
  }

  async read(key: string): Promise<Uint8Array> {
    const file = await this.open(key)
    if (!file) throw new Error(`missing backup ${key}`)
    return file.bytes()
  }

  // The disk backend writes beside and renames into place, so a listed backup is always complete.
  async write(key: string, content: FileContent): Promise<void> {
    if (!isPlainName(key)) throw new Error(`invalid backup name ${key}`)
    await this.#storage().write(key, content, "application/zip")
  }

  async remove(key: string): Promise<void> {
    if (!(await this.exists(key))) throw new Error(`[key: ${key}] no such backup file`)
    await this.#storage().remove(key)
  }
}
