/**
 * @module
 * Files of `file` fields: turning multipart uploads into stored names in the body, checking them,
 * putting them in storage around the record's write (in before it, out again when the write fails
 * or does not keep them), deleting dropped files and those of deleted records, and finding a file
 * (or its thumb) to download with PocketBase's access rules for protected files.
 */
import { ApiError, badRequest, notFound, type ErrorData } from "../core/errors.ts"
import type { Collection, Field, RecordData, RequestInfo } from "../core/types.ts"
import {
  baseMime, fileKey, sniff, SNIFF_LIMIT, storedFileName, thumbsDir,
  type FileStorage, type StoredFile,
} from "../files/index.ts"
import type { ThumbCache } from "../files/thumb-cache.ts"
import type { RuleEvaluator } from "./access.ts"
import type { CollectionRegistry } from "./collections.ts"
import { checkUpload, errInvalidFiles, invalidFileNames, normalizeList } from "./fields/index.ts"
import type { RecordRepository } from "./repository.ts"
import type { Store } from "../db/store.ts"
import { findViewFileSource } from "./view-files.ts"

/** Files of a multipart body by part name (`avatar`, `avatar+`, `+avatar`, …). */
export type UploadedFiles = Record<string, File[]>

/** One new file, named and sniffed, waiting for its record to be saved. */
export interface Upload {
  field: string
  originalName: string
  storedName: string
  size: number
  /** The sniffed type without parameters (`text/plain`), as mime checks compare it. */
  mimeType: string
  /** The sniffed type as stored with the file (`text/plain; charset=utf-8`). */
  contentType: string
  /** The part as the body parser holds it; written to storage without another copy. */
  content: Blob
}

/** New uploads by stored name. */
export type Uploads = Map<string, Upload>

/** What a download request resolved to. */
export interface FileDownload {
  file: StoredFile
  name: string
}

interface Deps {
  store: Store
  /** The storage in use now (settings can switch it while running). */
  storage: () => FileStorage
  thumbs: ThumbCache
  collections: CollectionRegistry
  records: RecordRepository
  rules: RuleEvaluator
}

/** The thumb size every image file answers, listed in the field or not (PocketBase's default). */
const DEFAULT_THUMB = "100x100"

const fileFields = (collection: Collection): Field[] => collection.fields.filter((f) => f.type === "file")

// PocketBase only deletes plain names; anything with a path separator was never stored by it.
const isPlainName = (name: string) => name !== "" && !/[/\\\0]/.test(name) && name !== "." && name !== ".."

/** Record files of one app: uploads on create/update, clean-up after writes, and downloads. */
export class RecordFiles {
  #deps: Deps
  readonly #background = new Set<Promise<void>>()

  constructor(deps: Deps) {
    this.#deps = deps
  }

  /**
   * Reads the uploads for each file field (keys `f`, `+f`, `f+`) and returns the body with their
   * stored names in place, as PocketBase merges them: under `f`, text values sent with the same
   * key come first, then the new files (so the list is replaced); `f+` appends and `+f` prepends
   * when the modifiers are applied. Parts under other keys are ignored.
   */
  async prepare(collection: Collection, body: Record<string, unknown>, files: UploadedFiles): Promise<{ body: Record<string, unknown>; uploads: Uploads }> {
    const uploads: Uploads = new Map()
    if (Object.keys(files).length === 0) return { body, uploads }
    const merged = { ...body }
    for (const field of fileFields(collection)) {
      for (const key of [field.name, `+${field.name}`, `${field.name}+`]) {
        const parts = files[key]
        if (!parts || parts.length === 0) continue
        const names: string[] = []
        for (const part of parts) {
          const upload = await readUpload(field.name, part)
          uploads.set(upload.storedName, upload)
          names.push(upload.storedName)
        }
        const sent = merged[key] === undefined || merged[key] === null ? [] : normalizeList(merged[key])
        merged[key] = [...sent, ...names]
      }
    }
    return { body: merged, uploads }
  }

  /**
   * Adds file errors to `errors`, in PocketBase's order per field: names that are neither stored
   * nor new uploads, then (unless required/maxSelect already failed) the first upload over the
   * size limit or of a type not allowed.
   */
  validate(collection: Collection, stored: RecordData | null, record: RecordData, uploads: Uploads, errors: ErrorData): void {
    for (const field of fileFields(collection)) {
      const names = normalizeList(record[field.name])
      if (names.length === 0) continue
      const existing = stored ? normalizeList(stored[field.name]) : []
      const uploaded = names.filter((name) => uploads.get(name)?.field === field.name)
      const invalid = invalidFileNames(names, existing, uploaded)
      if (invalid.length > 0) {
        errors[field.name] = errInvalidFiles(invalid.map((name) => name.slice(0, 250)))
        continue
      }
      if (errors[field.name]) continue
      for (const name of uploaded) {
        const error = checkUpload(field, uploads.get(name)!)
        if (error) {
          errors[field.name] = error
          break
        }
      }
    }
  }

  /**
   * Writes the uploads of record `recordId` to storage, ahead of the record's checks and write. A
   * failed upload removes what was written and answers 400 `failure` (nothing else is written).
   */
  async upload(collection: Collection, recordId: string, uploads: Uploads, failure: string): Promise<void> {
    if (uploads.size === 0) return
    if (!isPlainName(recordId)) throw badRequest(failure)
    const storage = this.#deps.storage()
    const written: string[] = []
    try {
      for (const upload of uploads.values()) {
        const key = fileKey(collection.id, recordId, upload.storedName)
        await storage.write(key, upload.content, upload.contentType)
        written.push(key)
      }
    } catch (error) {
      await this.#removeAll(storage, written)
      throw new ApiError(400, failure, {}, { cause: error })
    }
  }

  /**
   * Inside the record's write transaction: once it commits, the uploads `saved` did not keep and
   * the files it dropped since `previous` (with their thumbs) are removed; if it rolls back, the
   * uploads are.
   */
  afterWrite(collection: Collection, recordId: string, saved: RecordData, previous: RecordData | null, uploads: Uploads): void {
    const storage = this.#deps.storage()
    const keep = new Set(fileFields(collection).flatMap((field) => normalizeList(saved[field.name])))
    const unused = [...uploads.keys()].filter((name) => !keep.has(name))
    const dropped = previous
      ? fileFields(collection).flatMap((field) => normalizeList(previous[field.name])).filter((name) => !keep.has(name) && isPlainName(name))
      : []
    const key = (name: string) => fileKey(collection.id, recordId, name)
    if (unused.length + dropped.length > 0) {
      this.#deps.store.afterCommit(() =>
        this.#inBackground(this.#removeAll(storage, [...unused, ...dropped].map(key), dropped.map((name) => thumbsDir(key(name))))))
    }
    if (uploads.size > 0) this.#deps.store.afterRollback(() => this.#inBackground(this.discard(collection, recordId, uploads)))
  }

  /** Removes the uploads of a write that did not happen. */
  async discard(collection: Collection, recordId: string, uploads: Uploads): Promise<void> {
    if (uploads.size === 0 || !isPlainName(recordId)) return
    await this.#removeAll(this.#deps.storage(), [...uploads.keys()].map((name) => fileKey(collection.id, recordId, name)))
  }

  /** After a committed delete: removes every file of the record (awaited by {@link settled}). */
  afterDelete(collection: Collection, recordId: string): void {
    if (!isPlainName(recordId)) return
    this.#inBackground(this.#deps.storage().removeDir(fileKey(collection.id, recordId)))
  }

  /** After a collection was deleted or truncated: removes every file of its records. */
  removeCollectionFiles(collection: Collection): void {
    this.#inBackground(this.#deps.storage().removeDir(collection.id))
  }

  /** Resolves once the removals started so far have finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.#background])
  }

  /**
   * The file `filename` of a record for `GET /api/files/…`, or its `thumb` when that size is
   * allowed for the field and the file is an image (else the original). Files of non-protected
   * fields are public (their names carry a random part); protected ones need the collection's
   * viewRule to pass for the file token's record (`request.auth`), else 404 as PocketBase answers.
   */
  async download(idOrName: string, recordId: string, filename: string, request: RequestInfo, thumb = ""): Promise<FileDownload> {
    const collection = this.#deps.collections.find(idOrName)
    if (!collection) throw notFound("Missing or invalid collection context.")
    if (recordId === "") throw notFound()
    const record = this.#deps.records.findById(collection, recordId)
    if (!record) throw notFound()
    const field = fileFields(collection).find((f) => normalizeList(record[f.name]).includes(filename))
    if (!field || !isPlainName(filename)) throw notFound()
    if (field.protected === true) {
      const fileRequest: RequestInfo = { ...request, context: "protectedFile" }
      if (!this.#deps.rules.allows(collection, collection.viewRule, recordId, fileRequest)) throw notFound()
    }
    const source = collection.type === "view"
      ? findViewFileSource(this.#deps, collection, field.name, filename)
      : { collectionId: collection.id, recordId }
    if (!source || !isPlainName(source.recordId)) throw notFound()
    const storage = this.#deps.storage()
    const key = fileKey(source.collectionId, source.recordId, filename)
    if (thumb !== "" && (thumb === DEFAULT_THUMB || (field.thumbs ?? []).includes(thumb))) {
      const made = await this.#deps.thumbs.get(storage, key, thumb)
      if (made) return { file: made, name: `${thumb}_${filename}` }
    }
    const file = await storage.open(key)
    if (!file) throw notFound()
    return { file, name: filename }
  }

  // Clean-up failures are logged, never thrown: the record's write has already been decided.
  async #removeAll(storage: FileStorage, keys: string[], dirs: string[] = []): Promise<void> {
    const results = await Promise.allSettled([...keys.map((key) => storage.remove(key)), ...dirs.map((dir) => storage.removeDir(dir))])
    for (const result of results) if (result.status === "rejected") console.warn("failed to remove a record file:", result.reason)
  }

  #inBackground(work: Promise<void>): void {
    const tracked = work.catch((error) => console.warn("failed to remove record files:", error)).finally(() => this.#background.delete(tracked))
    this.#background.add(tracked)
  }
}

async function readUpload(field: string, part: File): Promise<Upload> {
  // One byte past the limit tells the sniffer the content goes on.
  const sniffed = sniff(new Uint8Array(await part.slice(0, SNIFF_LIMIT + 1).arrayBuffer()))
  return {
    field,
    originalName: part.name,
    storedName: storedFileName(part.name, sniffed.ext),
    size: part.size,
    mimeType: baseMime(sniffed.mime),
    contentType: sniffed.mime,
    content: part,
  }
}
