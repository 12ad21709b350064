/**
 * @module
 * API rule evaluation over SQL: does a rule (plus, optionally, a client filter) hold for one stored
 * record, or for a would-be record that is not stored yet (create rules)?
 */
import type { SQLQueryBindings } from "bun:sqlite"
import { isFilterError, SelectBuilder, type SchemaLookup } from "../filter/index.ts"
import { isSuperuser, type Collection, type RecordData, type RequestInfo } from "../core/types.ts"
import type { Store } from "../db/store.ts"
import { toColumn } from "./fields/index.ts"

/** Evaluates rules for one collection's records. */
export class RuleEvaluator {
  #store: Store
  #schema: SchemaLookup

  constructor(store: Store, schema: SchemaLookup) {
    this.#store = store
    this.#schema = schema
  }

  /**
   * Whether the stored record `id` passes `rule` (and the client `filter`, if any) for `request`.
   * `null` rules deny everyone but superusers; `""` allows everyone; rule errors deny.
   */
  allows(collection: Collection, rule: string | null, id: string, request: RequestInfo, filter = ""): boolean {
    const superuser = isSuperuser(request.auth)
    if (!superuser && rule === null) return false
    const effectiveRule = superuser ? "" : rule ?? ""
    if (effectiveRule === "" && filter === "") return true
    try {
      const query = new SelectBuilder({ collection, schema: this.#schema, request })
      query.where(effectiveRule).where(filter, { restricted: !superuser }).whereEquals("id", id)
      const { sql, params } = query.build({ select: "1", limit: 1 })
      return this.#store.get(sql, params as Record<string, SQLQueryBindings>) !== null
    } catch (error) {
      if (isFilterError(error)) return false
      throw error
    }
  }

  /** Whether a not-yet-stored record passes `rule`, evaluated over a one-row virtual table. */
  allowsVirtual(collection: Collection, rule: string, record: RecordData, request: RequestInfo): boolean {
    if (rule === "") return true
    const row: Record<string, SQLQueryBindings> = {}
    for (const field of collection.fields) row[field.name] = toColumn(field, record[field.name])
    try {
      const query = new SelectBuilder({ collection, schema: this.#schema, request })
      query.where(rule)
      const { sql, params } = query.build({ select: "1", limit: 1, virtualRow: row as never })
      return this.#store.get(sql, params as Record<string, SQLQueryBindings>) !== null
    } catch (error) {
      if (isFilterError(error)) return false
      throw error
    }
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
