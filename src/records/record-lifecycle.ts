/**
 * @module
 * Every record write, whatever asks for it (the records API, a cascade, the CLI, migrations,
 * server code), goes through here and so through the record hooks: create, update, and delete
 * with its reference handling. A delete runs in one transaction: every relation that points at
 * the record loses the id; an emptied `cascadeDelete` reference deletes its record (recursively,
 * through the same hooks), an emptied required one aborts the delete.
 */
import { badRequest } from "../core/errors.ts"
import type { Collection, RecordData } from "../core/types.ts"
import { quoteIdent } from "../db/sql.ts"
import type { Store } from "../db/store.ts"
import { RecordErrorEvent, RecordEvent, type AppHooks } from "../hooks/index.ts"
import type { CollectionRegistry } from "./collections.ts"
import { runModelHooks } from "./model-hooks.ts"
import type { RecordRepository } from "./repository.ts"
import { isMultiple } from "./schema-sql.ts"

interface Deps {
  store: Store
  hooks: AppHooks
  collections: CollectionRegistry
  records: RecordRepository
  /** Runs once a deleted record's transaction committed (its files go then). */
  afterDelete?: (collection: Collection, recordId: string) => void
}

/** Validation of a record about to be written; throws an error (an `ApiError` for the API) to refuse it. */
export type RecordValidator = (event: RecordEvent) => void

const brokenReference = () =>
  badRequest("Failed to delete record. Make sure that the record is not part of a required relation reference.")

const failed = (event: RecordEvent, error: unknown) => new RecordErrorEvent(event, error)

/** Record writes through the hooks. */
export class RecordLifecycle {
  readonly #deps: Deps

  constructor(deps: Deps) {
    this.#deps = deps
  }

  /** Creates a record; returns it as stored (handlers may have changed it), or as it was if a handler skipped the write. */
  create(collection: Collection, record: RecordData, validate?: RecordValidator): RecordData {
    const { hooks, store, records } = this.#deps
    const event = new RecordEvent("create", collection, record, null)
    const set = { main: hooks.onRecordCreate, execute: hooks.onRecordCreateExecute, success: hooks.onRecordAfterCreateSuccess, error: hooks.onRecordAfterCreateError, failed }
    runModelHooks(store, set, event, {
      validate: (e) => this.#validate(e, validate),
      write: (e) => void (e.record = records.insert(e.collection, e.record)),
    })
    return event.record
  }

  /** Writes `record` over the stored row `original`; returns it as stored. */
  update(collection: Collection, record: RecordData, original: RecordData, validate?: RecordValidator): RecordData {
    const { hooks, store, records } = this.#deps
    const event = new RecordEvent("update", collection, record, original)
    const set = { main: hooks.onRecordUpdate, execute: hooks.onRecordUpdateExecute, success: hooks.onRecordAfterUpdateSuccess, error: hooks.onRecordAfterUpdateError, failed }
    runModelHooks(store, set, event, {
      validate: (e) => this.#validate(e, validate),
      write: (e) => void (e.record = records.update(e.collection, e.record, original)),
    })
    return event.record
  }

  /** Deletes a stored record and resolves every reference to it, in one transaction. */
  delete(collection: Collection, record: RecordData): void {
    this.#delete(collection, record, new Set())
  }

  #validate(event: RecordEvent, validate: RecordValidator | undefined): void {
    this.#deps.hooks.onRecordValidate.trigger(event, validate)
  }

  #delete(collection: Collection, record: RecordData, visiting: Set<string>): void {
    const key = `${collection.id}/${String(record.id)}`
    if (visiting.has(key)) return
    visiting.add(key)
    const { hooks, store, records } = this.#deps
    const event = new RecordEvent("delete", collection, record, record)
    const set = { main: hooks.onRecordDelete, execute: hooks.onRecordDeleteExecute, success: hooks.onRecordAfterDeleteSuccess, error: hooks.onRecordAfterDeleteError, failed }
    runModelHooks(store, set, event, {
      write: (e) => {
        this.#releaseReferences(e.collection, e.record, visiting)
        records.delete(e.collection, e.record)
        const afterDelete = this.#deps.afterDelete
        if (afterDelete) store.afterCommit(() => afterDelete(e.collection, String(e.record.id)))
      },
    })
  }

  // Children go first, while the record they point at still exists (their hooks may look at it).
  #releaseReferences(collection: Collection, record: RecordData, visiting: Set<string>): void {
    const { collections, records } = this.#deps
    for (const source of collections.all()) {
      if (source.type === "view") continue
      for (const field of source.fields) {
        if (field.type !== "relation" || field.collectionId !== collection.id) continue
        const column = quoteIdent(field.name)
        const condition = isMultiple(field) ? `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ?)` : `${column} = ?`
        for (const referencing of records.findWhere(source, condition, [String(record.id)])) {
          const remaining = isMultiple(field) ? (referencing[field.name] as string[]).filter((id) => id !== record.id) : ""
          const emptied = Array.isArray(remaining) ? remaining.length === 0 : true
          if (emptied && field.cascadeDelete) {
            this.#delete(source, referencing, visiting)
            continue
          }
          if (emptied && field.required) throw brokenReference()
          const fresh = records.findById(source, String(referencing.id))
          if (fresh) this.update(source, { ...fresh, [field.name]: remaining }, fresh)
        }
      }
    }
  }
}
