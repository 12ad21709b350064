/**
 * @module
 * API rule evaluation over SQL: does a rule (plus, optionally, a client filter) hold for one stored
 * record, or for a record that is not stored (a create's would-be row, a deleted row)?
 */
import { SQLiteError, type SQLQueryBindings } from "bun:sqlite"
import { isFilterError, SelectBuilder, type SchemaLookup } from "../filter/index.ts"
import { isSuperuser, type Collection, type RecordData, type RequestInfo } from "../core/types.ts"
import type { Store } from "../db/store.ts"
import { toColumn } from "./fields/index.ts"

/** One access question. */
export interface AccessCheck {
  collection: Collection
  /** `null` denies everyone but superusers; `""` allows everyone; superusers skip the rule. */
  rule: string | null
  request: RequestInfo
  /** The stored record's id, or the record itself when it is not (or no longer) stored. */
  target: { id: string } | { record: RecordData }
  /** A client filter ANDed with the rule. @default "" */
  filter?: string
  /** Resolve the filter in restricted mode even for superusers (realtime does). @default false */
  restrictFilterForAll?: boolean
  /**
   * The record is a create's would-be row: its values carry no column type affinity, as PocketBase
   * binds them; otherwise it is judged as stored (a deleted row, a realtime event). @default false
   */
  unsaved?: boolean
}

/** Evaluates rules for one collection's records. */
export class RuleEvaluator {
  #store: Store
  #schema: SchemaLookup

  constructor(store: Store, schema: SchemaLookup) {
    this.#store = store
    this.#schema = schema
  }

  /** Answers an access question; rule or filter errors deny. */
  passes(check: AccessCheck): boolean {
    const superuser = isSuperuser(check.request.auth)
    if (!superuser && check.rule === null) return false
    const rule = superuser ? "" : check.rule ?? ""
    const filter = check.filter ?? ""
    if (rule === "" && filter === "") return true
    try {
      const virtualRow = "record" in check.target ? storageRow(check.collection, check.target.record) : undefined
      const query = new SelectBuilder({
        collection: check.collection, schema: this.#schema, request: check.request,
        virtualRow: virtualRow as never, virtualRowAffinity: check.unsaved !== true,
      })
      query.where(rule).where(filter, { restricted: !superuser || check.restrictFilterForAll === true })
      if ("id" in check.target) query.whereEquals("id", check.target.id)
      const { sql, params } = query.build({ select: "1", limit: 1 })
      return this.#store.get(sql, params as Record<string, SQLQueryBindings>) !== null
    } catch (error) {
      // a query SQLite refuses while running (a malformed JSON path) denies, as a filter error does
      if (isFilterError(error) || error instanceof SQLiteError) return false
      throw error
    }
  }

  /** Whether the stored record `id` passes `rule` for `request`. */
  allows(collection: Collection, rule: string | null, id: string, request: RequestInfo): boolean {
    return this.passes({ collection, rule, request, target: { id } })
  }

  /** Whether a record that is not stored yet passes `rule`, evaluated over a one-row virtual table. */
  allowsVirtual(collection: Collection, rule: string, record: RecordData, request: RequestInfo): boolean {
    return this.passes({ collection, rule, request, target: { record }, unsaved: true })
  }

  /** Compiles `rule` against `collection` to check it; returns the problem, or null when valid. */
  check(collection: Collection, rule: string, schema: SchemaLookup = this.#schema): string | null {
    try {
      new SelectBuilder({ collection, schema, request: null }).where(rule).build()
      return null
    } catch (error) {
      if (isFilterError(error)) return error.message
      throw error
    }
  }
}

function storageRow(collection: Collection, record: RecordData): Record<string, SQLQueryBindings> {
  const row: Record<string, SQLQueryBindings> = {}
  for (const field of collection.fields) row[field.name] = toColumn(field, record[field.name])
  return row
}
