/**
 * @module
 * The mutable state of one SQL query being built: bound parameters, join aliases and extra WHERE
 * terms. Everything that resolves identifiers writes here, so a rule and a client filter compiled
 * into the same context share joins and parameter names never collide.
 */
import type { Collection, RequestInfo } from "../core/types.ts"
import { FilterResolveError } from "./errors.ts"
import type { SchemaLookup } from "./schema.ts"
import { formatReal, quoteIdent } from "./sql-text.ts"

/** Values bun:sqlite can bind. */
export type BindValue = string | number | bigint | boolean | null

/** One resolved operand: SQL text plus what the empty-value rules need to know about it. */
export interface SqlOperand {
  sql: string
  /** Values of the parameters inside `sql` (inline REAL numbers included), for the emptiness rules. */
  values: unknown[]
  /** Names of the bound parameters inside `sql`, in order (LIKE rewrites their values). */
  paramNames: string[]
  nullFallback: "auto" | "disabled" | "enforced"
  /** True when the operand can yield several values per base row. */
  multi: boolean
  /** When set, `sql` stands for exactly this one literal value (LIKE rebinds it as a pattern). */
  literal?: { value: unknown }
  /** Conditions ANDed after the comparison (email visibility in client filters). */
  guards: string[]
  /**
   * As the right side of `~`, this operand is NULL: PocketBase rewrites its bound values into
   * `%...%` patterns, which no longer read as numbers or dates (geoDistance, strftime of a number).
   */
  likeNull?: boolean
  /** As the right side of `~`, this operand fails: PocketBase turns the JSON list it walks into a pattern. */
  likeInvalid?: boolean
}

/** One LEFT JOIN of the query. */
export interface JoinEntry {
  alias: string
  sql: string
}

/** Where identifiers are resolved: the collection and SQL alias of the "current row". */
export interface Scope {
  ctx: QueryContext
  collection: Collection
  alias: string
  /** Joins of this (sub)query, keyed by `<base alias>|<path>`. */
  joins: Map<string, JoinEntry>
  /** Client filter of a non-superuser: hidden fields rejected, email guarded, joined list rules checked. */
  restricted: boolean
  /** False inside NOT EXISTS subqueries, whose joins need no list-rule check of their own. */
  checkJoins: boolean
  /** Where the base row comes from when it is not the collection's table (a virtual row). */
  source?: string
}

/** Parameter bag and alias counter shared by every scope of one query. */
export class QueryContext {
  readonly schema: SchemaLookup
  readonly request: RequestInfo | null
  readonly now: Date
  readonly params: Record<string, BindValue> = {}
  /** Extra WHERE terms added by resolution (joined collections' list rules). */
  readonly extraWhere: string[] = []
  /** Collections joined by restricted (client) resolution, waiting for their list-rule check. */
  readonly restrictedJoins: { alias: string; collection: Collection }[] = []
  /** Join aliases whose list rule is already applied (or queued). */
  readonly ruleCheckedAliases = new Set<string>()
  #paramCount = 0
  #aliasCount = 0

  constructor(schema: SchemaLookup, request: RequestInfo | null, now: Date) {
    this.schema = schema
    this.request = request
    this.now = now
  }

  /** Binds a value and returns its placeholder (`$p0`, `$p1`, ...). */
  bind(value: BindValue): string {
    const name = `$p${this.#paramCount++}`
    this.params[name] = value
    return name
  }

  /** A fresh SQL alias, readable in EXPLAIN output (`__j3_users`). */
  newAlias(hint: string): string {
    return `__j${this.#aliasCount++}_${hint.replace(/\W/g, "").slice(0, 30)}`
  }
}

/** Most tables (base + joins) in one FROM clause; SQLite's hard limit is 64. */
export const MAX_JOINED_TABLES = 60

const countTables = (joinSql: string): number => joinSql.split("LEFT JOIN ").length - 1

/** Adds (or reuses) a join in the scope and returns its alias; `make` receives a new alias and returns the JOIN clause. */
export function ensureJoin(scope: Scope, path: string, hint: string, make: (alias: string) => string): string {
  const key = `${scope.alias}|${path}`
  const existing = scope.joins.get(key)
  if (existing) return existing.alias
  const alias = scope.ctx.newAlias(hint)
  const sql = make(alias)
  // SQLite refuses more than 64 tables in one FROM clause; fail as a filter error instead
  const tables = [...scope.joins.values()].reduce((n, join) => n + countTables(join.sql), 1)
  if (tables + countTables(sql) > MAX_JOINED_TABLES) {
    throw new FilterResolveError(`the filter needs too many joins (max ${MAX_JOINED_TABLES} tables)`)
  }
  scope.joins.set(key, { alias, sql })
  return alias
}

/** Renders the scope's joins in creation order. */
export const joinsSql = (joins: Map<string, JoinEntry>): string =>
  [...joins.values()].map((join) => ` ${join.sql}`).join("")

/** A plain operand around SQL text. */
export function sqlOperand(sql: string, extra: Partial<SqlOperand> = {}): SqlOperand {
  return { sql, values: [], paramNames: [], nullFallback: "auto", multi: false, guards: [], ...extra }
}

/** The operand for a static value, bound (numbers inline as REAL, bools 1/0, objects as JSON). */
export function valueOperand(ctx: QueryContext, value: unknown, opts: { numericText?: boolean } = {}): SqlOperand {
  if (value === undefined || value === null) return sqlOperand("NULL", { literal: { value: null } })
  if (typeof value === "number") return numberOperand(value)
  if (typeof value === "boolean") return sqlOperand(value ? "1" : "0", { values: [value], literal: { value } })
  if (typeof value === "string") {
    if (opts.numericText && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return numberOperand(Number(value))
    const name = ctx.bind(value)
    return sqlOperand(name, { values: [value], paramNames: [name], literal: { value } })
  }
  const json = JSON.stringify(value) ?? null
  const name = ctx.bind(json)
  return sqlOperand(name, { values: [json], paramNames: [name], literal: { value: json } })
}

/** A number emitted inline as a REAL literal; it still counts as a parameter for the empty-value rules. */
export function numberOperand(value: number): SqlOperand {
  return sqlOperand(formatReal(value), { values: [value], literal: { value } })
}

/** Builds the `FROM` part for a collection scope; `source` replaces the table (a virtual row). */
export const fromSql = (collection: Collection, alias: string, source = collection.name): string =>
  source === alias ? quoteIdent(alias) : `${quoteIdent(source)} ${quoteIdent(alias)}`
