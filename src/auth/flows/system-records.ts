/**
 * @module
 * The auth helper collections (`_otps`, `_mfas`, `_authOrigins`, `_externalAuths`): each row
 * belongs to one auth record through `collectionRef` + `recordRef`. Creating, finding, expiring.
 */
import { nowDateTime } from "../../core/clock.ts"
import { newRecordId } from "../../core/ids.ts"
import type { Collection, RecordData } from "../../core/types.ts"
import type { CollectionRegistry } from "../../records/collections.ts"
import type { RecordRepository } from "../../records/repository.ts"
import type { RecordLifecycle } from "../../records/record-lifecycle.ts"

/** Names of the helper collections. */
export type SystemCollection = "_otps" | "_mfas" | "_authOrigins" | "_externalAuths"

/** Rows of one helper collection owned by auth records. */
export class SystemRecords {
  readonly #collections: CollectionRegistry
  readonly #records: RecordRepository
  readonly #lifecycle: RecordLifecycle
  readonly #name: SystemCollection

  constructor(deps: { collections: CollectionRegistry; records: RecordRepository; recordLifecycle: RecordLifecycle }, name: SystemCollection) {
    this.#collections = deps.collections
    this.#records = deps.records
    this.#lifecycle = deps.recordLifecycle
    this.#name = name
  }

  get collection(): Collection {
    return this.#collections.get(this.#name)
  }

  /** Inserts a row for `owner` with the given extra fields. */
  create(owner: { collection: Collection; record: RecordData }, fields: RecordData): RecordData {
    const now = nowDateTime()
    return this.#lifecycle.create(this.collection, {
      id: newRecordId(), collectionRef: owner.collection.id, recordRef: String(owner.record.id), ...fields, created: now, updated: now,
    })
  }

  findById(id: string): RecordData | null {
    return this.#records.findById(this.collection, id)
  }

  /** Every row of `owner`, most recently updated first. */
  findByOwner(owner: { collection: Collection; record: RecordData }, extraWhere = "", params: string[] = []): RecordData[] {
    return this.#records.findWhere(
      this.collection,
      `collectionRef = ? AND recordRef = ?${extraWhere} ORDER BY updated DESC, created DESC`,
      [owner.collection.id, String(owner.record.id), ...params],
    )
  }

  update(stored: RecordData, changes: RecordData): RecordData {
    return this.#lifecycle.update(this.collection, { ...stored, ...changes, updated: nowDateTime() }, stored)
  }

  delete(stored: RecordData): void {
    this.#lifecycle.delete(this.collection, stored)
  }
}

/** True when a row created at `created` is older than `durationSeconds`. */
export function hasExpired(created: unknown, durationSeconds: number, now = Date.now()): boolean {
  const time = Date.parse(String(created ?? "").replace(" ", "T"))
  return !Number.isFinite(time) || time + durationSeconds * 1000 < now
}
