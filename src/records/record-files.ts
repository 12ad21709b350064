/**
 * @module
 * Files of `file` fields: turning multipart uploads into stored names in the body,
 * checking them, writing and deleting them once the record's transaction commits, and
 * finding a file to download with PocketBase's access rules for protected files.
 */
import { notFound, type ErrorData } from "../core/errors.ts"
import type { Collection, Field, RecordData, RequestInfo } from "../core/types.ts"
import { baseMime, fileKey, sniff, storedFileName, type FileStorage, type StoredFile } from "../files/index.ts"
import type { RuleEvaluator } from "./access.ts"
import type { CollectionRegistry } from "./collections.ts"
import { checkUpload, errInvalidFiles, invalidFileNames, normalizeList } from "./fields/index.ts"
import type { RecordRepository } from "./repository.ts"

/** Files of a multipart body by part name (`avatar`, `avatar+`, `+avatar`, …). */
export type UploadedFiles = Record<string, File[]>

/** One new file, read and named, waiting for its record to be saved. */
export interface Upload {
  field: string
  originalName: string
  storedName: string
  size: number
  /** The sniffed type without parameters (`text/plain`), as mime checks compare it. */
  mimeType: string
  content: Uint8Array
}

/** New uploads by stored name. */
export type Uploads = Map<string, Upload>

/** What a download request resolved to. */
export interface FileDownload {
  file: StoredFile
  name: string
}

interface Deps {
  storage: FileStorage
  collections: CollectionRegistry
  records: RecordRepository
  rules: RuleEvaluator
}

const fileFields = (collection: Collection): Field[] => collection.fields.filter((f) => f.type === "file")

// PocketBase only deletes plain names; anything with a path separator was never stored by it.
const isPlainName = (name: string) => name !== "" && !/[/\\]/.test(name) && name !== "." && name !== ".."

/** Record files of one app: uploads on create/update, clean-up after writes, and downloads. */
export class RecordFiles {
  #deps: Deps

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
   * After a committed create or update: writes the uploads the saved record kept, and deletes the
   * files `previous` had that the record no longer lists. Runs synchronously so it can be an
   * after-commit callback (nothing is written for a rolled-back save).
   */
  afterSave(collection: Collection, record: RecordData, previous: RecordData | null, uploads: Uploads): void {
    const id = String(record.id)
    for (const field of fileFields(collection)) {
      const names = normalizeList(record[field.name])
      for (const name of names) {
        const upload = uploads.get(name)
        if (upload?.field === field.name) this.#deps.storage.write(fileKey(collection.id, id, name), upload.content)
      }
      if (!previous) continue
      for (const old of normalizeList(previous[field.name])) {
        if (!names.includes(old) && isPlainName(old)) this.#deps.storage.remove(fileKey(collection.id, id, old))
      }
    }
  }

  /** After a committed delete: removes every file of the record. */
  afterDelete(collection: Collection, recordId: string): void {
    if (recordId !== "" && isPlainName(recordId)) this.#deps.storage.removeDir(fileKey(collection.id, recordId))
  }

  /**
   * The file `filename` of a record for `GET /api/files/…`. Files of non-protected fields are public
   * (their names carry a random part); protected ones need the collection's viewRule to pass for
   * the file token's record (`request.auth`), else 404 as PocketBase answers.
   */
  download(idOrName: string, recordId: string, filename: string, request: RequestInfo): FileDownload {
    const collection = this.#deps.collections.find(idOrName)
    if (!collection) throw notFound("Missing or invalid collection context.")
    // View collections serve the files of their source records; not supported here yet.
    if (collection.type === "view" || recordId === "") throw notFound()
    const record = this.#deps.records.findById(collection, recordId)
    if (!record) throw notFound()
    const field = fileFields(collection).find((f) => normalizeList(record[f.name]).includes(filename))
    if (!field || !isPlainName(filename)) throw notFound()
    if (field.protected === true) {
      const fileRequest: RequestInfo = { ...request, context: "protectedFile" }
      if (!this.#deps.rules.allows(collection, collection.viewRule, recordId, fileRequest)) throw notFound()
    }
    const file = this.#deps.storage.open(fileKey(collection.id, recordId, filename))
    if (!file) throw notFound()
    return { file, name: filename }
  }
}

async function readUpload(field: string, part: File): Promise<Upload> {
  const content = new Uint8Array(await part.arrayBuffer())
  const sniffed = sniff(content)
  return {
    field,
    originalName: part.name,
    storedName: storedFileName(part.name, sniffed.ext),
    size: content.byteLength,
    mimeType: baseMime(sniffed.mime),
    content,
  }
}
