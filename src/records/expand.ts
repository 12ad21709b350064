/**
 * @module
 * `expand`: loads related records (relations and `<collection>_via_<field>` back-relations) for a
 * batch of records, each through the related collection's viewRule for the requester, and renders
 * the whole tree with per-viewer visibility.
 */
import { isSuperuser, type AuthContext, type Collection, type RecordData, type RequestInfo } from "../core/types.ts"
import { quoteIdent } from "../db/sql.ts"
import { hasSingleColumnUniqueIndex } from "../filter/index.ts"
import type { Store } from "../db/store.ts"
import type { RuleEvaluator } from "./access.ts"
import type { CollectionRegistry } from "./collections.ts"
import type { ExpandTree } from "./expand-paths.ts"
import type { RecordRepository } from "./repository.ts"
import { recordJSON } from "./render.ts"
import { isMultiple } from "./schema-sql.ts"

/** At most this many back-related records are expanded per record. */
const MAX_BACK_RELATIONS = 1000

interface Deps {
  store: Store
  collections: CollectionRegistry
  records: RecordRepository
  rules: RuleEvaluator
}

type Rendered = Record<string, unknown>

/** Renders records for `request.auth`, with `tree` expanded; expansion failures are skipped. */
export class RecordRenderer {
  #deps: Deps

  constructor(deps: Deps) {
    this.#deps = deps
  }

  /** Renders a batch of records of one collection (visibility per viewer, expand applied). */
  render(collection: Collection, records: RecordData[], request: RequestInfo, tree: ExpandTree | null = null, forceEmail = false): Rendered[] {
    const managed = forceEmail ? new Set<string>() : this.#managedIds(collection, records, request)
    const expanding = tree !== null && tree.size > 0
    const rendered = records.map((record) => recordJSON(collection, record, {
      showHidden: isSuperuser(request.auth),
      showEmail: forceEmail || canSeeEmail(collection, record, request.auth) || managed.has(String(record.id)),
    }, expanding))
    if (expanding) this.#expand(collection, records, rendered, tree, request)
    return rendered
  }

  #expand(collection: Collection, records: RecordData[], rendered: Rendered[], tree: ExpandTree, request: RequestInfo): void {
    const expandRequest: RequestInfo = { ...request, context: "expand" }
    // In key order, so each `expand` object is built with its keys where PocketBase writes them.
    for (const segment of [...tree.keys()].sort()) {
      const subtree = tree.get(segment)!
      const relation = collection.fields.find((f) => f.name === segment && f.type === "relation")
      if (relation) this.#expandRelation(relation.collectionId!, segment, isMultiple(relation), records, rendered, subtree, expandRequest)
      else this.#expandBackRelation(collection, segment, records, rendered, subtree, expandRequest)
    }
  }

  #expandRelation(targetId: string, segment: string, multiple: boolean, records: RecordData[], rendered: Rendered[], subtree: ExpandTree, request: RequestInfo): void {
    const target = this.#deps.collections.find(targetId)
    if (!target || !this.#mayView(target, request)) return
    const ids = new Set<string>()
    const idsOf = (record: RecordData) => (Array.isArray(record[segment]) ? (record[segment] as string[]) : record[segment] ? [String(record[segment])] : [])
    for (const record of records) for (const id of idsOf(record)) ids.add(id)
    const related = this.#visible(target, this.#loadByIds(target, [...ids]), request)
    const renderedById = new Map<string, Rendered>()
    const children = this.render(target, related, request, subtree)
    related.forEach((record, index) => renderedById.set(String(record.id), children[index]!))
    records.forEach((record, index) => {
      const expand = ((rendered[index]!.expand as Rendered | undefined) ??= {})
      const found = idsOf(record).map((id) => renderedById.get(id)).filter((r): r is Rendered => r !== undefined)
      if (found.length === 0) return
      expand[segment] = multiple ? found : found[0]
    })
  }

  #expandBackRelation(collection: Collection, segment: string, records: RecordData[], rendered: Rendered[], subtree: ExpandTree, request: RequestInfo): void {
    const match = /^(\w+)_via_(\w+)$/.exec(segment)
    if (!match) return
    const source = this.#deps.collections.find(match[1]!)
    const field = source?.fields.find((f) => f.name === match[2] && f.type === "relation" && f.collectionId === collection.id)
    if (!source || !field || !this.#mayView(source, request)) return
    const multiple = isMultiple(field)
    const column = quoteIdent(field.name)
    const condition = multiple ? `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ?)` : `${column} = ?`
    const unique = hasSingleColumnUniqueIndex(source, field.name)
    records.forEach((record, index) => {
      // Like PocketBase, a resolvable path gives every record an `expand` key, even with no match.
      const expand = ((rendered[index]!.expand as Rendered | undefined) ??= {})
      const back = this.#visible(source, this.#deps.records.findWhere(source, `${condition} LIMIT ${MAX_BACK_RELATIONS}`, [String(record.id)]), request)
      if (back.length === 0) return
      const children = this.render(source, back, request, subtree)
      expand[segment] = unique && !multiple ? children[0] : children
    })
  }

  // Records whose email the requester may see because the collection's manageRule matches them
  // (PocketBase evaluates it for guests too; an empty manageRule is not allowed on auth collections).
  #managedIds(collection: Collection, records: RecordData[], request: RequestInfo): Set<string> {
    const rule = collection.manageRule
    const managed = new Set<string>()
    if (collection.type !== "auth" || typeof rule !== "string" || rule === "" || isSuperuser(request.auth)) return managed
    for (const record of records) {
      if (record.emailVisibility === true) continue
      // Judged on the record as given, so a deleted record (realtime delete event) still counts.
      if (this.#deps.rules.passes({ collection, rule, request, target: { record } })) managed.add(String(record.id))
    }
    return managed
  }

  #mayView(collection: Collection, request: RequestInfo): boolean {
    return isSuperuser(request.auth) || collection.viewRule !== null
  }

  #visible(collection: Collection, records: RecordData[], request: RequestInfo): RecordData[] {
    if (isSuperuser(request.auth) || collection.viewRule === "") return records
    return records.filter((record) => this.#deps.rules.allows(collection, collection.viewRule, String(record.id), request))
  }

  #loadByIds(collection: Collection, ids: string[]): RecordData[] {
    if (ids.length === 0) return []
    return this.#deps.records.findWhere(collection, "id IN (SELECT value FROM json_each(?))", [JSON.stringify(ids)])
  }
}

/** Email shows for superusers and the record itself (emailVisibility and manageRule are checked by the renderer). */
export function canSeeEmail(collection: Collection, record: RecordData, auth: AuthContext | null): boolean {
  if (collection.type !== "auth") return true
  if (isSuperuser(auth)) return true
  return auth !== null && auth.collection.id === collection.id && auth.record.id === record.id
}
