/**
 * @module
 * Glue between the records layer and the hub (as PocketBase's apis/realtime.go sits above its
 * subscriptions package): committed record and collection changes go to the broker once, and
 * every process's hub asks the records layer, through `RecordAccess`, who may see what.
 */
import { isSuperuser, type Collection, type RecordData, type RequestInfo } from "../core/types.ts"
import type { Store } from "../db/store.ts"
import { compileMatcher, isFilterError } from "../filter/index.ts"
import { redactAuthRecord, redactCollection } from "../core/token-key-digest.ts"
import type { RuleEvaluator } from "../records/access.ts"
import type { CollectionRegistry } from "../records/collections.ts"
import type { RecordRenderer } from "../records/expand.ts"
import { parseExpand } from "../records/expand-paths.ts"
import { FieldsParamError, pickResponse } from "../records/pick-fields.ts"
import type { RealtimeBroker } from "./broker.ts"
import type { RecordAccess } from "./record-fanout.ts"
import type { RuleKind } from "./topics.ts"

interface AccessDeps {
  collections: CollectionRegistry
  rules: RuleEvaluator
  renderer: RecordRenderer
}

// PocketBase silently gives nothing to non-superusers whose subscription filter or sort reaches
// for other collections or request data; it looks only when a filter is set.
const FORBIDDEN_IN_OPTIONS = ["@collection.", "@request."]

/**
 * Decides without SQL when both the rule and the filter touch only the record's own fields and
 * `@request` values (the usual case); null when SQL is needed. Filter errors deny, as in SQL.
 */
function matchInMemory(collection: Collection, rule: string, filter: string, record: RecordData, info: RequestInfo): boolean | null {
  try {
    const ruleMatch = compileMatcher(rule, { collection })
    const filterMatch = ruleMatch && compileMatcher(filter, { collection, restricted: true })
    if (!ruleMatch || !filterMatch) return null
    return ruleMatch(record, info) && filterMatch(record, info)
  } catch (error) {
    if (isFilterError(error)) return false
    throw error
  }
}

/**
 * Record access for realtime subscribers: the collection's list/view rule for the subscriber's
 * auth plus the subscription's `filter` (restricted for everyone), evaluated against the record
 * as the event carries it, so a deleted row is judged as it was before deletion.
 */
export function createRecordAccess(deps: AccessDeps): RecordAccess {
  return {
    canSee(kind: RuleKind, eventCollection: Collection, record: RecordData, info: RequestInfo): boolean {
      // Rules may have changed since the event was produced (or on another process): use ours.
      const collection = deps.collections.find(eventCollection.id) ?? eventCollection
      const superuser = isSuperuser(info.auth)
      const filter = info.query.filter ?? ""
      if (!superuser && filter !== "" && FORBIDDEN_IN_OPTIONS.some((s) => filter.includes(s) || (info.query.sort ?? "").includes(s))) return false
      const rule = kind === "list" ? collection.listRule : collection.viewRule
      if (!superuser && rule === null) return false
      const inMemory = matchInMemory(collection, superuser ? "" : rule ?? "", filter, record, info)
      if (inMemory !== null) return inMemory
      return deps.rules.passes({ collection, rule, request: info, target: { record }, filter, restrictFilterForAll: true })
    },
    render(eventCollection: Collection, record: RecordData, info: RequestInfo): unknown {
      const collection = deps.collections.find(eventCollection.id) ?? eventCollection
      const expand = info.query.expand ? parseExpand(info.query.expand) : null
      const rendered = deps.renderer.render(collection, [record], info, expand)[0]
      try {
        return pickResponse(rendered, info.query.fields)
      } catch (error) {
        // PocketBase sends the full record when picking fails.
        if (error instanceof FieldsParamError) return rendered
        throw error
      }
    },
  }
}

/** Publishes every committed record and collection change to the broker, once; returns the stopper. */
export function publishCommittedChanges(store: Store, collections: CollectionRegistry, broker: RealtimeBroker, nodeId: string): () => void {
  const stopRecords = store.onChange((change) => {
    const record = change.collection.type === "auth" ? redactAuthRecord(change.record) : change.record
    void broker.publish({ type: "record", seq: change.seq, action: change.action, collection: redactCollection(change.collection), record })
  })
  const stopCollections = collections.onChange((change) => {
    void broker.publish({ type: "schema", node: nodeId })
    if (change.action === "update" && change.previous) {
      void broker.publish({ type: "collection", action: "update", collection: redactCollection(change.collection), previous: redactCollection(change.previous) })
    } else if (change.action === "delete") {
      void broker.publish({ type: "collection", action: "delete", collection: redactCollection(change.collection) })
    }
  })
  // Another process changed the schema in the shared database: drop our cached definitions.
  const stopSchema = broker.subscribe((event) => {
    if (event.type === "schema" && event.node !== nodeId) collections.reload()
  })
  return () => {
    stopRecords()
    stopCollections()
    stopSchema()
  }
}
