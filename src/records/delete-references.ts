/**
 * @module
 * Deleting a record while keeping relations consistent, in one transaction: every relation that
 * points at it loses the id; an emptied `cascadeDelete` reference deletes its record (recursively),
 * an emptied required one aborts the delete. Each deleted record's files go once the delete commits.
 */
import { badRequest } from "../core/errors.ts"
import type { Collection, RecordData } from "../core/types.ts"
import { quoteIdent } from "../db/sql.ts"
import type { Store } from "../db/store.ts"
import type { CollectionRegistry } from "./collections.ts"
import type { RecordFiles } from "./record-files.ts"
import type { RecordRepository } from "./repository.ts"
import { isMultiple } from "./schema-sql.ts"

interface Deps {
  store: Store
  collections: CollectionRegistry
  records: RecordRepository
  files: RecordFiles
}

const brokenReference = () =>
  badRequest("Failed to delete record. Make sure that the record is not part of a required relation reference.")

/** Deletes `record` and resolves every reference to it. */
export function deleteWithReferences(deps: Deps, collection: Collection, record: RecordData): void {
  deps.store.transaction(() => deleteOne(deps, collection, record, new Set()))
}

function deleteOne(deps: Deps, collection: Collection, record: RecordData, visiting: Set<string>): void {
  const key = `${collection.id}/${String(record.id)}`
  if (visiting.has(key)) return
  visiting.add(key)
  for (const source of deps.collections.all()) {
    if (source.type === "view") continue
    for (const field of source.fields) {
      if (field.type !== "relation" || field.collectionId !== collection.id) continue
      const column = quoteIdent(field.name)
      const condition = isMultiple(field) ? `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ?)` : `${column} = ?`
      for (const referencing of deps.records.findWhere(source, condition, [String(record.id)])) {
        const remaining = isMultiple(field) ? (referencing[field.name] as string[]).filter((id) => id !== record.id) : ""
        const emptied = Array.isArray(remaining) ? remaining.length === 0 : true
        if (emptied && field.cascadeDelete) {
          deleteOne(deps, source, referencing, visiting)
          continue
        }
        if (emptied && field.required) throw brokenReference()
        const fresh = deps.records.findById(source, String(referencing.id))
        if (fresh) deps.records.update(source, { ...fresh, [field.name]: remaining }, fresh)
      }
    }
  }
  deps.records.delete(collection, record)
  deps.store.afterCommit(() => deps.files.afterDelete(collection, String(record.id)))
}
