/**
 * @module
 * In-memory evaluation of filters and rules for realtime fan-out: a filter is compiled once into
 * closures over one record and one request, giving exactly the answer the SQL path gives for that
 * row. Filters that need other rows (relations, back-relations, `@collection`, `@request.auth`
 * fields beyond the token's, `strftime`) compile to `null`, meaning "ask the database".
 */
import type { Collection, RecordData, RequestInfo } from "../core/types.ts"
import { baseOp, type FilterExpr, isAnyOp } from "./ast.ts"
import { LruCache } from "../core/lru-cache.ts"
import { evaluateComparison } from "./matcher-compare.ts"
import { compileOperand, type Env, type MatcherScope, type MOperand } from "./matcher-operands.ts"
import { parseFilter } from "./parser.ts"
import { submittedListPattern } from "./request-ref.ts"
import type { SchemaLookup } from "./schema.ts"
import type { SqlValue } from "./sql-values.ts"

/** Evaluates a compiled filter for one record; `now` feeds the datetime macros (default: current time). */
export type RecordMatcher = (record: RecordData, request: RequestInfo | null, now?: Date) => boolean

/** Options of {@link compileMatcher}. */
export interface MatcherOptions {
  collection: Collection
  /** Kept for API symmetry with SelectBuilder; the matcher never reads other collections. */
  schema?: SchemaLookup
  /** Client filter of a non-superuser (hidden fields rejected, email guarded). @default false */
  restricted?: boolean
}

type Node = (env: Env) => boolean | null

// Memo keyed by the collection object (a changed schema is a new object) and then by text, so
// a rule compiled once serves every event; the WeakMap lets dropped collections be collected.
const cache = new WeakMap<Collection, LruCache<string, RecordMatcher | null>>()

/**
 * Compiles a filter into a record predicate, or returns null when it needs SQL.
 * Empty text matches everything (an empty rule means "anyone").
 * @throws FilterSyntaxError | FilterResolveError for invalid filters
 * @example
 * const match = compileMatcher("status = 'live' && @request.auth.id != ''", { collection })
 * if (match && match(record, requestInfo)) send(record)
 */
export function compileMatcher(text: string, options: MatcherOptions): RecordMatcher | null {
  let perCollection = cache.get(options.collection)
  if (!perCollection) {
    perCollection = new LruCache(500)
    cache.set(options.collection, perCollection)
  }
  const key = `${options.restricted ? "r" : "u"}:${text}`
  const cached = perCollection.get(key)
  if (cached !== undefined) return cached
  const matcher = text === "" ? () => true : buildMatcher(parseFilter(text), options)
  perCollection.set(key, matcher)
  return matcher
}

function buildMatcher(expr: FilterExpr, options: MatcherOptions): RecordMatcher | null {
  const scope: MatcherScope = { collection: options.collection, restricted: options.restricted ?? false, sources: [] }
  const root = compileNode(scope, expr)
  if (!root) return null
  const sources = scope.sources
  return (record, request, now = new Date()) => {
    const env: Env = { record, request, now, items: [], index: [] }
    if (sources.length === 0) return root(env) === true
    for (const source of sources) {
      const items = source.items(env)
      // a LEFT JOIN over no items still yields one row of NULLs
      env.items.push(items.length === 0 ? [null] : items)
      env.index.push(0)
    }
    return anyCombination(env, root, 0)
  }
}

/** Tries every combination of joined items, like the SQL join does, until one row matches. */
function anyCombination(env: Env, root: Node, depth: number): boolean {
  if (depth === env.items.length) return root(env) === true
  const count = env.items[depth]!.length
  for (let i = 0; i < count; i++) {
    env.index[depth] = i
    if (anyCombination(env, root, depth + 1)) return true
  }
  return false
}

function compileNode(scope: MatcherScope, expr: FilterExpr): Node | null {
  if (expr.kind === "comparison") return compileComparison(scope, expr)
  const items: Node[] = []
  for (const item of expr.items) {
    const node = compileNode(scope, item)
    if (!node) return null
    items.push(node)
  }
  return expr.kind === "and" ? andNode(items) : orNode(items)
}

function andNode(items: Node[]): Node {
  return (env) => {
    let unknown = false
    for (const item of items) {
      const v = item(env)
      if (v === false) return false
      if (v === null) unknown = true
    }
    return unknown ? null : true
  }
}

function orNode(items: Node[]): Node {
  return (env) => {
    let unknown = false
    for (const item of items) {
      const v = item(env)
      if (v === true) return true
      if (v === null) unknown = true
    }
    return unknown ? null : false
  }
}

function compileComparison(scope: MatcherScope, cmp: Extract<FilterExpr, { kind: "comparison" }>): Node | null {
  const left = compileOperand(scope, cmp.left)
  const right = compileOperand(scope, cmp.right)
  if (!left || !right) return null
  const op = baseOp(cmp.op)
  if (right.likeInvalid && (op === "~" || op === "!~")) throw submittedListPattern()
  let node: Node = (env) => evaluateComparison(op, left, right, env)
  if (!isAnyOp(cmp.op) && (left.source !== undefined || right.source !== undefined)) {
    const joined = node
    node = (env) => {
      const first = joined(env)
      if (first === false) return false
      const violated = hasViolation(op, left, right, env)
      return violated ? false : first
    }
  }
  const guards = [left.guard, right.guard].filter((g) => g !== undefined)
  if (guards.length === 0) return node
  return andNode([node, ...guards])
}

/** NOT EXISTS part of the multi-value rules: some value (pair of values) for which the comparison is definitely false. */
function hasViolation(op: ReturnType<typeof baseOp>, left: MOperand, right: MOperand, env: Env): boolean {
  const leftValues = left.source !== undefined ? env.items[left.source]! : [undefined]
  const rightValues = right.source !== undefined ? env.items[right.source]! : [undefined]
  for (const lv of leftValues) {
    const l = lv === undefined ? singleSide(left) : fixed(left, lv)
    for (const rv of rightValues) {
      const r = rv === undefined ? singleSide(right) : fixed(right, rv)
      if (evaluateComparison(op, l, r, env) === false) return true
    }
  }
  return false
}

/** One value of a multi-valued side: no bound parameters, so neither empty nor known, and `~` wraps it in `%`. */
const fixed = (operand: MOperand, value: SqlValue): MOperand =>
  ({ ...operand, value: () => value, cls: () => "neutral", pattern: undefined, truthKeyword: false })

/** The single side of a many-vs-one check: the default empty-value rules, as in the SQL subquery. */
const singleSide = (operand: MOperand): MOperand => ({ ...operand, disabled: false, guard: undefined })
