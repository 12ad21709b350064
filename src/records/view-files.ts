/**
 * @module
 * The stored file behind a view collection's file field: the field is followed through the view's
 * query (and through views built on views, at most 5 deep, as PocketBase limits it) to the
 * collection it comes from, where the record listing the file owns it in storage.
 */
import type { Collection } from "../core/types.ts"
import { quoteIdent } from "../db/sql.ts"
import type { CollectionRegistry } from "./collections.ts"
import type { RecordRepository } from "./repository.ts"
import { isMultiple } from "./schema-sql.ts"
import { viewColumnSources } from "./view-sources.ts"

const MAX_VIEW_DEPTH = 5

/** Where a view's file is stored: its source collection and record, or null when none lists it. */
export function findViewFileSource(
  deps: { collections: CollectionRegistry; records: RecordRepository },
  view: Collection,
  fieldName: string,
  filename: string,
): { collectionId: string; recordId: string } | null {
  let collection = view
  let name = fieldName
  for (let depth = 0; collection.type === "view"; depth++) {
    const source = depth < MAX_VIEW_DEPTH ? viewColumnSources(collection.viewQuery ?? "").get(name) : undefined
    const next = source ? deps.collections.find(source.table) : undefined
    if (!source || !next) return null
    collection = next
    name = source.column
  }
  const field = collection.fields.find((f) => f.type === "file" && f.name.toLowerCase() === name.toLowerCase())
  if (!field) return null
  const column = quoteIdent(field.name)
  const lists = isMultiple(field) ? `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ?)` : `${column} = ?`
  const owner = deps.records.findWhere(collection, `${lists} LIMIT 1`, [filename])[0]
  return owner ? { collectionId: collection.id, recordId: String(owner.id) } : null
}
