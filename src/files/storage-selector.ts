/**
 * @module
 * The storage in use, switched live: a bucket while S3 settings are enabled, the local storage
 * otherwise. Work that started on one storage finishes there (callers take `current()` once per
 * operation); files are not copied between storages, as PocketBase does not copy them either.
 */
import { S3Storage, type S3Config } from "./s3-storage.ts"
import type { FileStorage } from "./storage.ts"

/** S3 settings as PocketBase keeps them (`settings.s3`, `settings.backups.s3`). */
export type S3Choice = S3Config & { enabled: boolean }

/** Holds the current storage and swaps it when the S3 settings change. */
export class StorageSelector {
  readonly #local: FileStorage
  #current: FileStorage
  #choice = ""

  constructor(local: FileStorage) {
    this.#local = local
    this.#current = local
  }

  current(): FileStorage {
    return this.#current
  }

  /** Switches to the bucket `s3` describes when enabled, else back to local; unchanged settings keep the client. */
  use(s3: Readonly<S3Choice>): void {
    const choice = s3.enabled ? JSON.stringify([s3.endpoint, s3.bucket, s3.region, s3.accessKey, s3.secret, s3.forcePathStyle]) : ""
    if (choice === this.#choice) return
    this.#choice = choice
    this.#current = s3.enabled ? new S3Storage(s3) : this.#local
  }
}
