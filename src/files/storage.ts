/**
 * @module
 * Where record files live: `DIR/storage/<collectionId>/<recordId>/<name>` on disk, or a map for
 * in-memory apps (tests). Writes and deletes are synchronous so they can run inside the store's
 * after-commit callbacks, before realtime hears about the change.
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"

/** A stored file, ready to be served. */
export interface StoredFile {
  body: Blob
  size: number
  modified: Date
}

/** The storage seam: keys are `collectionId/recordId/name`. */
export interface FileStorage {
  write(key: string, content: Uint8Array): void
  /** The file at `key`, or null when there is none. */
  open(key: string): StoredFile | null
  /** Deletes one file; a missing file is not an error. */
  remove(key: string): void
  /** Deletes everything under the folder `prefix` (e.g. a record's files). */
  removeDir(prefix: string): void
}

/** Thrown for keys that could escape the storage root; callers only build keys from checked names. */
export class UnsafeKeyError extends Error {}

/** The storage key of a record file. */
export const fileKey = (collectionId: string, recordId: string, name = ""): string =>
  name === "" ? `${collectionId}/${recordId}` : `${collectionId}/${recordId}/${name}`

function checkKey(key: string): string {
  const parts = key.split("/")
  if (parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\\") || p.includes("\0"))) {
    throw new UnsafeKeyError(`unsafe storage key: ${JSON.stringify(key)}`)
  }
  return key
}

/** Files under a root folder on the local disk. */
export class DiskStorage implements FileStorage {
  readonly #root: string

  constructor(root: string) {
    this.#root = root
  }

  write(key: string, content: Uint8Array): void {
    const path = join(this.#root, checkKey(key))
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, content)
  }

  open(key: string): StoredFile | null {
    const path = join(this.#root, checkKey(key))
    try {
      const stat = statSync(path)
      if (!stat.isFile()) return null
      return { body: Bun.file(path), size: stat.size, modified: stat.mtime }
    } catch {
      return null
    }
  }

  remove(key: string): void {
    rmSync(join(this.#root, checkKey(key)), { force: true })
  }

  removeDir(prefix: string): void {
    rmSync(join(this.#root, checkKey(prefix)), { recursive: true, force: true })
  }
}

/** Files kept in memory, for apps without a data directory. */
export class MemoryStorage implements FileStorage {
  readonly #files = new Map<string, { content: Uint8Array; modified: Date }>()

  write(key: string, content: Uint8Array): void {
    this.#files.set(checkKey(key), { content: content.slice(), modified: new Date() })
  }

  open(key: string): StoredFile | null {
    const file = this.#files.get(checkKey(key))
    return file ? { body: new Blob([file.content]), size: file.content.byteLength, modified: file.modified } : null
  }

  remove(key: string): void {
    this.#files.delete(checkKey(key))
  }

  removeDir(prefix: string): void {
    const folder = checkKey(prefix) + "/"
    for (const key of [...this.#files.keys()]) if (key.startsWith(folder)) this.#files.delete(key)
  }

  /** Every stored key (tests). */
  keys(): string[] {
    return [...this.#files.keys()]
  }
}
