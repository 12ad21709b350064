/**
 * @module
 * Row-level access to collection tables: decode rows into records, and the three writes. Writes
 * come only from `RecordLifecycle`, which runs them inside a transaction and through the hooks.
 */
import type { SQLQueryBindings } from "bun:sqlite"
import type { Collection, Field, RecordData } from "../core/types.ts"
import { quoteIdent } from "../db/sql.ts"
import type { Store } from "../db/store.ts"
import { fromColumn, toColumn, type ColumnValue } from "./fields/index.ts"

type Row = Record<string, unknown>

/** Reads and writes stored records; values are the normalized JS values of each field. */
export class RecordRepository {
  #store: Store

  constructor(store: Store) {
    this.#store = store
  }

  /** Converts a raw row into a record: JSON columns parsed, bools as booleans. */
  decode(collection: Collection, row: Row): RecordData {
    const record: RecordData = {}
    for (const field of collection.fields) {
      if (field.name in row) record[field.name] = fromColumn(field, row[field.name])
    }
    return record
  }

  /** The stored record with this id, or null. */
  findById(collection: Collection, id: string): RecordData | null {
    const row = this.#store.get<Row>(`SELECT * FROM ${quoteIdent(collection.name)} WHERE id = ? LIMIT 1`, [id])
    return row ? this.decode(collection, row) : null
  }

  /** The first record whose `column` equals `value` exactly, or null. */
  findByField(collection: Collection, column: string, value: SQLQueryBindings): RecordData | null {
    const row = this.#store.get<Row>(`SELECT * FROM ${quoteIdent(collection.name)} WHERE ${quoteIdent(column)} = ? LIMIT 1`, [value])
    return row ? this.decode(collection, row) : null
  }

  /** Rows for a prepared WHERE clause (the SQL must come from the filter compiler or this project). */
  findWhere(collection: Collection, whereSql: string, params: SQLQueryBindings[] = []): RecordData[] {
    return this.#store
      .all<Row>(`SELECT * FROM ${quoteIdent(collection.name)} WHERE ${whereSql}`, params)
      .map((row) => this.decode(collection, row))
  }

  /** Inserts a complete record (id included); returns it as stored. */
  insert(collection: Collection, record: RecordData): RecordData {
    const fields = collection.fields.filter((f) => f.name in record)
    const values = fields.map((f) => toColumn(f, record[f.name]))
    const sql = writeSql(collection, fields, "insert", () => {
      const columns = fields.map((f) => quoteIdent(f.name)).join(", ")
      return `INSERT INTO ${quoteIdent(collection.name)} (${columns}) VALUES (${fields.map(() => "?").join(", ")})`
    })
    this.#store.run(sql, values)
    return this.#written(collection, fields, values, null)
  }

  /** Writes every field of `record` over the stored row `previous`; returns it as stored. */
  update(collection: Collection, record: RecordData, previous: RecordData): RecordData {
    const fields = collection.fields.filter((f) => f.name in record)
    const values = fields.map((f) => toColumn(f, record[f.name]))
    if (fields.length > 0) {
      const sql = writeSql(collection, fields, "update", () =>
        `UPDATE ${quoteIdent(collection.name)} SET ${fields.map((f) => `${quoteIdent(f.name)} = ?`).join(", ")} WHERE id = ?`)
      this.#store.run(sql, [...values, String(previous.id)])
    }
    return this.#written(collection, fields, values, previous)
  }

  /** Deletes a stored record. */
  delete(collection: Collection, record: RecordData): void {
    this.#store.run(`DELETE FROM ${quoteIdent(collection.name)} WHERE id = ?`, [String(record.id)])
  }

  // The row as stored, decoded from the column values just written (no read back): the same
  // conversion a SELECT would go through. Columns not written keep their previous values.
  #written(collection: Collection, fields: Field[], values: ColumnValue[], previous: RecordData | null): RecordData {
    const row: Row = {}
    fields.forEach((field, index) => (row[field.name] = values[index]))
    const written = this.decode(collection, row)
    if (!previous) return written
    const merged: RecordData = {}
    for (const field of collection.fields) merged[field.name] = field.name in written ? written[field.name] : previous[field.name]
    return merged
  }

  /** How many records a collection holds. */
  count(collection: Collection): number {
    return this.#store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(collection.name)}`)?.n ?? 0
  }
}

// The SQL of a write, kept per collection object and keyed by everything it is made of (table and
// written fields): made once, not on every write.
const writeSqlCache = new WeakMap<Collection, Map<string, string>>()

function writeSql(collection: Collection, fields: Field[], kind: "insert" | "update", make: () => string): string {
  let byFields = writeSqlCache.get(collection)
  if (!byFields) writeSqlCache.set(collection, (byFields = new Map()))
  const key = `${kind}\u0000${collection.name}\u0000${fields.map((f) => f.name).join("\u0000")}`
  let sql = byFields.get(key)
  if (sql === undefined) byFields.set(key, (sql = make()))
  return sql
}
