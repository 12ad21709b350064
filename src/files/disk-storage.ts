/**
 * @module
 * Files under a root folder on the local disk (`DIR/storage`). Writes go to a temporary name
 * first and are renamed into place, so a reader never sees half a file.
 */
import { existsSync } from "node:fs"
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises"
import { basename, dirname, join, relative, sep } from "node:path"
import { randomString } from "../core/random.ts"
import { blobFile, checkKey, type FileContent, type FileStorage, type StoredFile } from "./storage.ts"

const TEMP_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

/** The local-disk backend. */
export class DiskStorage implements FileStorage {
  readonly #root: string

  constructor(root: string) {
    this.#root = root
  }

  async write(key: string, content: FileContent): Promise<void> {
    const path = join(this.#root, checkKey(key))
    await mkdir(dirname(path), { recursive: true })
    // Hidden, so a listing taken meanwhile can tell it from finished files.
    const temp = join(dirname(path), `.${basename(path)}.${randomString(8, TEMP_ALPHABET)}.tmp`)
    try {
      await Bun.write(temp, content)
      await rename(temp, path)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
  }

  async open(key: string): Promise<StoredFile | null> {
    const path = join(this.#root, checkKey(key))
    try {
      const info = await stat(path)
      return info.isFile() ? blobFile(Bun.file(path), info.size, info.mtime) : null
    } catch {
      return null
    }
  }

  async remove(key: string): Promise<void> {
    await rm(join(this.#root, checkKey(key)), { force: true })
  }

  async removeDir(prefix: string): Promise<void> {
    const path = join(this.#root, checkKey(prefix))
    // Most deleted records had no files: one quick look spares the file system thread pool.
    if (!existsSync(path)) return
    await rm(path, { recursive: true, force: true })
  }

  async list(prefix: string): Promise<string[]> {
    const folder = prefix === "" ? this.#root : join(this.#root, checkKey(prefix))
    let entries: string[]
    try {
      entries = await readdir(folder, { recursive: true })
    } catch {
      return []
    }
    const keys: string[] = []
    for (const entry of entries) {
      const path = join(folder, entry)
      const info = await stat(path).catch(() => null)
      if (info?.isFile()) keys.push(relative(this.#root, path).split(sep).join("/"))
    }
    return keys.sort()
  }
}
