/**
 * @module
 * Raw SQL from JavaScript: `$dbx` expressions and `$app.db().newQuery(sql)`, with dbx's quoting
 * (`[[column]]`, `{{table}}`) and `{:name}` placeholders in SQLite's terms.
 */
import type { SQLQueryBindings } from "bun:sqlite"
import { quoteIdent } from "../db/sql.ts"
import type { Store } from "../db/store.ts"
import { DynamicModel } from "./models.ts"

/** What Go's `sql.ErrNoRows` is to PocketBase: a lookup found nothing (a 404 when unhandled). */
export class NoRowsError extends Error {
  constructor() {
    super("sql: no rows in result set")
  }
}

/** A `$dbx` expression: SQL with `{:name}` placeholders and their values. */
export class DbxExpression {
  constructor(
    readonly sql: string,
    readonly params: Record<string, unknown> = {},
  ) {}
}

// dbx's quoting (`[[column]]`, `{{table}}`) and placeholders (`{:name}`) in SQLite's terms.
function dbxText(sql: string): string {
  return sql
    .replace(/\[\[([^\]]+)\]\]|\{\{([^}]+)\}\}/g, (_, column?: string, table?: string) => quoteIdent(String(column ?? table)))
    .replace(/\{:(\w+)\}/g, "$$$1")
}

const bindings = (params: Record<string, unknown>): Record<string, SQLQueryBindings> =>
  Object.fromEntries(Object.entries(params).map(([key, value]) => [`$${key}`, (typeof value === "object" && value !== null ? JSON.stringify(value) : value) as SQLQueryBindings]))

/** A raw SQL query, as `$app.db().newQuery(sql)` builds it. */
export class RawQuery {
  #params: Record<string, SQLQueryBindings> = {}
  constructor(
    private readonly store: Store,
    private readonly sql: string,
  ) {}

  bind(params: Record<string, unknown>): this {
    Object.assign(this.#params, bindings(params))
    return this
  }

  #text(): string {
    return dbxText(this.sql)
  }

  execute(): { rowsAffected(): number } {
    const result = this.store.db.query(this.#text()).run(this.#params as never)
    return { rowsAffected: () => result.changes }
  }

  one(target?: Record<string, unknown>): Record<string, unknown> {
    const row = this.store.db.query(this.#text()).get(this.#params as never) as Record<string, unknown> | null
    if (!row) throw new NoRowsError()
    return target ? Object.assign(target, row) : new DynamicModel(row)
  }

  all(target?: unknown[]): unknown[] {
    const rows = this.store.db.query(this.#text()).all(this.#params as never) as Array<Record<string, unknown>>
    if (!Array.isArray(target)) return rows.map((row) => new DynamicModel(row))
    target.length = 0
    for (const row of rows) target.push(new DynamicModel(row))
    return target
  }
}

/** Rows of `table` matching every expression (all rows without any). */
export function selectWhere(store: Store, table: string, expressions: DbxExpression[]): Array<Record<string, unknown>> {
  const where = expressions.length === 0 ? "1" : expressions.map((e) => `(${dbxText(e.sql)})`).join(" AND ")
  const params = bindings(Object.assign({}, ...expressions.map((e) => e.params)))
  return store.db.query(`SELECT * FROM ${quoteIdent(table)} WHERE ${where}`).all(params as never) as Array<Record<string, unknown>>
}
