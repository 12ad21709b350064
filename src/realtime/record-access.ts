/**
 * @module
 * Record access for realtime subscribers, answered by the records layer (as PocketBase's
 * apis/realtime.go sits above its subscriptions package): the collection's list/view rule for
 * the subscriber's auth plus the subscription's `filter` (restricted for everyone), evaluated
 * against the record as the event carries it, so a deleted row is judged as it was.
 */
import { isSuperuser, type Collection, type RecordData, type RequestInfo } from "../core/types.ts"
import { compileMatcher, isFilterError } from "../filter/index.ts"
import type { RuleEvaluator } from "../records/access.ts"
import type { CollectionRegistry } from "../records/collections.ts"
import type { RecordRenderer } from "../records/expand.ts"
import { parseExpand } from "../records/expand-paths.ts"
import { FieldsParamError, pickResponse } from "../records/pick-fields.ts"
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

const DENY = (): boolean => false

/** The rule and filter one subscriber's check applies, or null when nothing can pass. */
function checkTexts(kind: RuleKind, collection: Collection, info: RequestInfo): { rule: string; filter: string } | null {
  const superuser = isSuperuser(info.auth)
  const filter = info.query.filter ?? ""
  if (!superuser && filter !== "" && FORBIDDEN_IN_OPTIONS.some((s) => filter.includes(s) || (info.query.sort ?? "").includes(s))) return null
  const rule = kind === "list" ? collection.listRule : collection.viewRule
  if (!superuser && rule === null) return null
  return { rule: superuser ? "" : rule ?? "", filter }
}

/** Builds the access the fan-out asks; rules are read from the registry (they may have changed since the event). */
export function createRecordAccess(deps: AccessDeps): RecordAccess {
  const current = (eventCollection: Collection) => deps.collections.find(eventCollection.id) ?? eventCollection
  return {
    rulesArePure(eventCollection) {
      const collection = current(eventCollection)
      const pure = (rule: string | null) => {
        if (rule === null) return true
        try {
          return compileMatcher(rule, { collection }) !== null
        } catch (error) {
          if (isFilterError(error)) return true
          throw error
        }
      }
      return pure(collection.listRule) && pure(collection.viewRule)
    },
    pureCheck(kind, eventCollection, info) {
      const collection = current(eventCollection)
      const texts = checkTexts(kind, collection, info)
      if (texts === null) return DENY
      try {
        const ruleMatch = compileMatcher(texts.rule, { collection })
        const filterMatch = ruleMatch && compileMatcher(texts.filter, { collection, restricted: true })
        if (!ruleMatch || !filterMatch) return null
        return (record: RecordData) => ruleMatch(record, info) && filterMatch(record, info)
      } catch (error) {
        // Filter errors deny, as they do in SQL.
        if (isFilterError(error)) return DENY
        throw error
      }
    },
    canSee(kind, eventCollection, record, info) {
      const pure = this.pureCheck(kind, eventCollection, info)
      if (pure) return pure(record)
      const collection = current(eventCollection)
      const texts = checkTexts(kind, collection, info)
      if (texts === null) return false
      const rule = kind === "list" ? collection.listRule : collection.viewRule
      return deps.rules.passes({ collection, rule, request: info, target: { record }, filter: texts.filter, restrictFilterForAll: true })
    },
    render(eventCollection, record, info) {
      const collection = current(eventCollection)
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
