/**
 * @module
 * The storage seam every record file, thumb and backup goes through: keys are
 * `collectionId/recordId/name` (thumbs under `collectionId/recordId/thumbs_name/`), and each
 * backend (local disk, S3-compatible, memory) stores bytes under them. Contents stream in and
 * out; nothing here reads a whole file into memory unless asked to with `bytes()`.
 */

/** A stored file, ready to be served. */
export interface StoredFile {
  size: number
  modified: Date
  /** A response body for bytes `[start, end)` (the whole file by default), streamed from where it lives. */
  body(start?: number, end?: number): Blob | ReadableStream<Uint8Array>
  /** Reads bytes `[start, end)` into memory (a head to sniff, an image to decode). */
  bytes(start?: number, end?: number): Promise<Uint8Array>
}

/** What can be written: bytes, or a Blob (an uploaded part, a file on disk) that is streamed. */
export type FileContent = Uint8Array | Blob

/** One storage backend. Missing files are never errors for `remove`/`removeDir`. */
export interface FileStorage {
  /** Stores `content` at `key`; `type` (the sniffed mime type) is kept where the backend keeps one (S3). */
  write(key: string, content: FileContent, type?: string): Promise<void>
  /** The file at `key`, or null when there is none. */
  open(key: string): Promise<StoredFile | null>
  remove(key: string): Promise<void>
  /** Deletes everything under the folder `prefix` (a record's files, a file's thumbs). */
  removeDir(prefix: string): Promise<void>
  /** Every key under the folder `prefix` (everything for ""), sorted. */
  list(prefix: string): Promise<string[]>
}

/** Thrown for keys that could escape the storage root; callers only build keys from checked names. */
export class UnsafeKeyError extends Error {}

/** The storage key of a record file (or, without a name, the record's folder). */
export const fileKey = (collectionId: string, recordId: string, name = ""): string =>
  name === "" ? `${collectionId}/${recordId}` : `${collectionId}/${recordId}/${name}`

/** The folder holding the thumbs of one file, beside it (PocketBase's layout). */
export const thumbsDir = (fileKeyOfOriginal: string): string => {
  const slash = fileKeyOfOriginal.lastIndexOf("/")
  return `${fileKeyOfOriginal.slice(0, slash)}/thumbs_${fileKeyOfOriginal.slice(slash + 1)}`
}

/** The key of the `size` thumb of the file at `fileKeyOfOriginal`. */
export const thumbKey = (fileKeyOfOriginal: string, size: string): string =>
  `${thumbsDir(fileKeyOfOriginal)}/${size}_${fileKeyOfOriginal.slice(fileKeyOfOriginal.lastIndexOf("/") + 1)}`

/** Returns `key` when every part is a plain name, else throws {@link UnsafeKeyError}. */
export function checkKey(key: string): string {
  const parts = key.split("/")
  if (parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\\") || p.includes("\0"))) {
    throw new UnsafeKeyError(`unsafe storage key: ${JSON.stringify(key)}`)
  }
  return key
}

/** A {@link StoredFile} over a Blob that can be sliced and handed to a Response as it is. */
export function blobFile(blob: Blob, size: number, modified: Date): StoredFile {
  return {
    size,
    modified,
    body: (start = 0, end = size) => (start === 0 && end === size ? blob : blob.slice(start, end)),
    bytes: async (start = 0, end = size) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
  }
}

/** Files kept in memory, for apps without a data directory. */
export class MemoryStorage implements FileStorage {
  readonly #files = new Map<string, { content: Uint8Array; modified: Date }>()

  async write(key: string, content: FileContent): Promise<void> {
    checkKey(key)
    const bytes = content instanceof Blob ? new Uint8Array(await content.arrayBuffer()) : content.slice()
    this.#files.set(key, { content: bytes, modified: new Date() })
  }

  async open(key: string): Promise<StoredFile | null> {
    const file = this.#files.get(checkKey(key))
    return file ? blobFile(new Blob([file.content]), file.content.byteLength, file.modified) : null
  }

  async remove(key: string): Promise<void> {
    this.#files.delete(checkKey(key))
  }

  async removeDir(prefix: string): Promise<void> {
    for (const key of await this.list(prefix)) this.#files.delete(key)
  }

  async list(prefix: string): Promise<string[]> {
    const folder = prefix === "" ? "" : checkKey(prefix) + "/"
    return [...this.#files.keys()].filter((key) => key.startsWith(folder)).sort()
  }
}
