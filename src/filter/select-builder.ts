/**
 * @module
 * One SELECT over a collection, shared by list queries, rules and realtime checks: every `where`
 * and `sort` compiles into the same join set, so a rule and a client filter that walk the same
 * relation path use one join alias.
 */
import type { Collection, RequestInfo } from "../core/types.ts"
import { compileExpr } from "./compile-sql.ts"
import { FilterResolveError } from "./errors.ts"
import { assertFilterLength, parseFilter } from "./parser.ts"
import { type BindValue, fromSql, type JoinEntry, joinsSql, QueryContext, type Scope } from "./query-context.ts"
import { columnAffinity, findField, type SchemaLookup } from "./schema.ts"
import { compileSort } from "./sort.ts"
import { columnRef, quoteIdent } from "./sql-text.ts"

/** Inputs of a {@link SelectBuilder}. */
export interface SelectBuilderOptions {
  collection: Collection
  schema: SchemaLookup
  /** Values for `@request.*`; null/undefined makes every `@request.*` NULL. */
  request?: RequestInfo | null
  /** Clock for the datetime macros. @default new Date() */
  now?: Date
  /**
   * Evaluate against this one row instead of the table (create rules, deleted rows): values must
   * already be in storage form. The row gets a name no collection can have, so joins back to the
   * same collection (self-relations, back-relations, `@collection`) still read the real table.
   */
  virtualRow?: Record<string, BindValue>
  /**
   * Give the virtual row's values their columns' type affinity, as a stored row has (false for a
   * row that was never stored: PocketBase binds a create's values bare). @default true
   */
  virtualRowAffinity?: boolean
}

/** The CTE holding a virtual row; contains a space, which no collection name can. */
const VIRTUAL_ROW = "virtual row"


/** Whether a filter/sort is an API rule (trusted) or a non-superuser's client input. */
export interface WhereOptions {
  /** @default false */
  restricted?: boolean
  /** A list request's `?filter=`, limited to 3,500 bytes as PocketBase limits it (API rules are not). @default false */
  clientFilter?: boolean
}

/** What to put around the WHERE clause. */
export interface BuildOptions {
  /** Select list. @default "`<collection>`.*" */
  select?: string
  limit?: number
  offset?: number
  /** Emit `SELECT COUNT(DISTINCT <table>._rowid_) AS total` (views and virtual rows count `id`). */
  countOnly?: boolean
}

/** SQL text plus named parameters, ready for `db.query(sql).all(params)` in bun:sqlite. */
export interface BuiltQuery {
  sql: string
  /** Named parameters (`$p0`, `$p1`, ...), keys include the `$` prefix. */
  params: Record<string, BindValue>
}

/**
 * Builds a SELECT over one collection from API rules, client filters and sorts.
 * @example
 * const q = new SelectBuilder({ collection, schema, request })
 * q.where(collection.listRule!, { restricted: false }).where(filter, { restricted: true }).sort("-created")
 * const { sql, params } = q.build({ limit: 30, offset: 0 })
 * db.query(sql).all(params)
 */
export class SelectBuilder {
  readonly #ctx: QueryContext
  readonly #collection: Collection
  readonly #joins = new Map<string, JoinEntry>()
  readonly #where: string[] = []
  readonly #orderBy: string[] = []
  readonly #virtualRow: Record<string, BindValue> | undefined
  readonly #virtualRowAffinity: boolean

  constructor(options: SelectBuilderOptions) {
    this.#collection = options.collection
    this.#virtualRow = options.virtualRow
    this.#virtualRowAffinity = options.virtualRowAffinity ?? true
    this.#ctx = new QueryContext(options.schema, options.request ?? null, options.now ?? new Date())
  }

  /**
   * ANDs a filter or rule onto the query. Empty text adds nothing (an empty rule means "anyone");
   * whitespace alone is an empty expression, which is an error.
   * Call rules before client filters: joins first made by a client filter get the list-rule check.
   * @throws FilterSyntaxError | FilterResolveError
   */
  where(text: string, options: WhereOptions = {}): this {
    if (text === "") return this
    if (options.clientFilter) assertFilterLength(text)
    const expr = parseFilter(text)
    this.#where.push(compileExpr(this.#scope(options.restricted ?? false), expr))
    this.#applyJoinedListRules()
    return this
  }

  /** ANDs `<collection>.<column> = value` (value bound), e.g. the record id of a view/update. */
  whereEquals(column: string, value: BindValue): this {
    this.#where.push(`${columnRef(this.#collection.name, column)} = ${this.#ctx.bind(value)}`)
    return this
  }

  /** Appends ORDER BY terms from a sort expression. @throws FilterResolveError */
  sort(text: string, options: WhereOptions = {}): this {
    this.#orderBy.push(...compileSort(this.#scope(options.restricted ?? false), text))
    this.#applyJoinedListRules()
    return this
  }

  /** True when any join exists (rows are then de-duplicated with DISTINCT). */
  get hasJoins(): boolean {
    return this.#joins.size > 0
  }

  /** Renders the query; may be called several times (e.g. a page and its count). */
  build(options: BuildOptions = {}): BuiltQuery {
    const table = this.#collection.name
    const virtual = this.#virtualRow
    let sql = virtual ? this.#virtualRowSql(virtual) : ""
    if (options.countOnly) {
      const key = virtual || this.#collection.type === "view" ? "id" : "_rowid_"
      sql += `SELECT COUNT(DISTINCT ${columnRef(table, key)}) AS ${quoteIdent("total")}`
    } else {
      sql += `SELECT ${this.hasJoins ? "DISTINCT " : ""}${options.select ?? `${quoteIdent(table)}.*`}`
    }
    sql += ` FROM ${fromSql(this.#collection, table, virtual ? VIRTUAL_ROW : table)}${joinsSql(this.#joins)}`
    const where = [...this.#where, ...this.#ctx.extraWhere]
    if (where.length > 0) sql += ` WHERE ${where.map((term) => `(${term})`).join(" AND ")}`
    if (!options.countOnly) {
      if (this.#orderBy.length > 0) sql += ` ORDER BY ${this.#orderBy.join(", ")}`
      // A literal, not a parameter: SQLite does not flatten a subquery (the virtual row) under a
      // bound LIMIT, which made a create rule's check twenty times slower.
      if (options.limit !== undefined) sql += ` LIMIT ${limitLiteral(options.limit)}`
      if (options.offset !== undefined) {
        if (options.limit === undefined) sql += " LIMIT -1"
        sql += ` OFFSET ${this.#ctx.bind(Math.trunc(options.offset))}`
      }
    }
    // Every bound value goes along, used here or not: SQLite ignores the names a statement lacks,
    // and picking out the used ones was a sixth of a rule check.
    return { sql, params: this.#ctx.params }
  }

  #scope(restricted: boolean): Scope {
    const source = this.#virtualRow ? VIRTUAL_ROW : undefined
    return { ctx: this.#ctx, collection: this.#collection, alias: this.#collection.name, joins: this.#joins, restricted, checkJoins: true, source }
  }

  /**
   * The one-row CTE. With affinity, its values carry their column's (a CAST has the affinity of
   * its type), so comparisons convert text and numbers as they would on the stored row. JSON
   * columns need none: their text sorts above any number or numeric-looking text either way.
   */
  #virtualRowSql(row: Record<string, BindValue>): string {
    const columns = Object.entries(row).map(([column, value]) => {
      const param = this.#ctx.bind(value)
      const field = this.#virtualRowAffinity ? findField(this.#collection, column) : undefined
      const affine = !field ? param
        : columnAffinity(field) === "text" ? `CAST(${param} AS TEXT)`
        : field.type === "number" || field.type === "bool" ? `CAST(${param} AS NUMERIC)`
        : param
      return `${affine} AS ${quoteIdent(column)}`
    })
    return `WITH ${quoteIdent(VIRTUAL_ROW)} AS (SELECT ${columns.join(", ") || "NULL AS `id`"}) `
  }



  /** Each collection joined by a client filter/sort must allow listing, and its listRule applies. */
  #applyJoinedListRules(): void {
    const pending = this.#ctx.restrictedJoins.splice(0)
    for (const { alias, collection } of pending) {
      if (collection.listRule === null) {
        throw new FilterResolveError(`only superusers can filter by the '${collection.name}' collection`)
      }
      if (collection.listRule.trim() === "") continue
      const scope: Scope = { ctx: this.#ctx, collection, alias, joins: this.#joins, restricted: false, checkJoins: false }
      const rule = compileExpr(scope, parseFilter(collection.listRule))
      const id = columnRef(alias, "id")
      this.#ctx.extraWhere.push(`(${id} = '' OR ${id} IS NULL) OR ${rule}`)
    }
  }
}

// Page sizes are validated integers; anything else still renders as valid SQL.
function limitLiteral(limit: number): string {
  const value = Math.trunc(limit)
  return Number.isSafeInteger(value) ? String(value) : "-1"
}
