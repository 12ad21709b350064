/**
 * @module
 * Compiles operands for the in-memory matcher. Each operand mirrors what the SQL compiler emits
 * for it: its value, its affinity, and how the empty-value rules classify it (empty / known non-empty / neither).
 * Operands that need a database (joins, @collection, strftime, ...) compile to `null`.
 */
import type { Collection, Field, RecordData, RequestInfo } from "../core/types.ts"
import type { Operand } from "./ast.ts"
import { FilterResolveError } from "./errors.ts"
import { assertModifier, assertResolvable, jsonKeys, splitPath } from "./identifier.ts"
import { likePattern } from "./like.ts"
import { isMacro, macroValue } from "./macros.ts"
import { lookupRequest, requestRoot, walkValue } from "./request-values.ts"
import { classifyRequest, submittedItems, submittedText } from "./request-ref.ts"
import { columnAffinity, findField, isListField, isMultipleField } from "./schema.ts"
import { equality } from "./matcher-compare.ts"
import { type Affinity, compareOp, fromJson, lowerValue, numericValue, type SqlValue, toNumeric, toText } from "./sql-values.ts"

/** Evaluation state: the row, the request, the clock and the current item of each multi-valued source. */
export interface Env {
  record: RecordData
  request: RequestInfo | null
  now: Date
  items: SqlValue[][]
  index: number[]
}

/** Empty-value classification of an operand for the current request. */
export type Cls = "empty" | "known" | "neutral"

/** A compiled operand. */
export interface MOperand {
  aff: Affinity
  disabled: boolean
  cls: (env: Env) => Cls
  value: (env: Env) => SqlValue
  /** Index of its multi-valued source, when it has one. */
  source?: number
  /**
   * The LIKE pattern when the SQL side would carry parameters; absent, or returning
   * undefined, means the SQL concatenates `'%' || v || '%'` instead.
   */
  pattern?: (env: Env) => SqlValue | undefined
  /** Condition ANDed after the comparison (email visibility in restricted filters). */
  guard?: (env: Env) => boolean | null
  /**
   * The SQL is the keyword TRUE or FALSE (`:isset`): on the right of IS / IS NOT, SQLite then tests
   * the left side's truth instead of comparing values.
   */
  truthKeyword?: boolean
  /** Cannot be the right side of `~` (see the SQL operand's `likeInvalid`). */
  likeInvalid?: boolean
}

/** A multi-valued source shared by every operand with the same key (one SQL join alias). */
export interface Source {
  key: string
  items: (env: Env) => SqlValue[]
}

/** Compile-time context of one matcher. */
export interface MatcherScope {
  collection: Collection
  restricted: boolean
  sources: Source[]
}

const NEUTRAL = (): Cls => "neutral"
const KNOWN = (): Cls => "known"

/** Classification of a single bound/inline value, as the empty-value rules see `sql`+`values`. */
const clsOfValue = (value: unknown): Cls => (value === "" || value === null || value === undefined ? "empty" : "known")

/** Compiles an operand, or returns null when only SQL can evaluate it. */
export function compileOperand(scope: MatcherScope, operand: Operand): MOperand | null {
  switch (operand.kind) {
    case "text": {
      const cls = clsOfValue(operand.value)
      const pattern = likePattern(operand.value)
      return { aff: "none", disabled: false, cls: () => cls, value: () => operand.value, pattern: () => pattern }
    }
    case "number": {
      const n = operand.value
      const pattern = likePattern(n)
      return { aff: "none", disabled: false, cls: KNOWN, value: () => n, pattern: () => pattern }
    }
    case "function":
      return operand.name === "geoDistance" ? geoDistance(scope, operand.args) : null
    case "identifier":
      return identifier(scope, operand.name)
  }
}

function identifier(scope: MatcherScope, name: string): MOperand | null {
  if (isMacro(name)) {
    return {
      aff: "none", disabled: false, cls: KNOWN,
      value: (env) => macroSql(macroValue(name, env.now)!),
      pattern: (env) => likePattern(macroValue(name, env.now)),
    }
  }
  assertResolvable(name)
  const lower = name.toLowerCase()
  if (lower === "null") return { aff: "none", disabled: false, cls: () => "empty", value: () => null }
  if (lower === "true" || lower === "false") {
    const v = lower === "true" ? 1n : 0n
    return { aff: "none", disabled: false, cls: KNOWN, value: () => v }
  }
  if (name.startsWith("@request.")) return requestOperand(scope, name)
  if (name.startsWith("@collection.")) return null
  return fieldOperand(scope, name)
}

const macroSql = (value: string | number): SqlValue => (typeof value === "number" ? BigInt(value) : value)

function fieldOperand(scope: MatcherScope, name: string): MOperand | null {
  const { segments, modifier } = splitPath(name)
  if (segments.length === 1) assertModifier(modifier, name)
  const field = findField(scope.collection, segments[0]!)
  if (!field) return null // back-relations or unknown names: the SQL path decides (and reports)
  if (scope.restricted && field.hidden) {
    throw new FilterResolveError(`field '${field.name}' of '${scope.collection.name}' is hidden and cannot be used in '${name}'`)
  }
  if (segments.length > 1) {
    if (field.type === "json" || field.type === "geoPoint") {
      const keys = jsonKeys(segments.slice(1), modifier)
      // an empty key makes a JSON path SQLite refuses at run time: left to SQL
      return keys.includes("") ? null : jsonOperand(field, keys, false)
    }
    if (field.type === "relation" && !isMultipleField(field) && segments.length === 2 && segments[1] === "id") {
      return storedField(scope, field, modifier)
    }
    if (field.type !== "relation") throw new FilterResolveError(`'${field.name}' in '${name}' is not a relation field`)
    return null
  }
  return storedField(scope, field, modifier)
}

function storedField(scope: MatcherScope, field: Field, modifier: string | undefined): MOperand | null {
  const operand = storedValue(scope, field, modifier)
  if (!operand) return null
  if (scope.restricted && scope.collection.type === "auth" && field.name === "email") {
    const visibility = findField(scope.collection, "emailVisibility")
    const readVisibility = visibility ? columnReader(visibility) : () => null
    operand.guard = (env) => compareOp("=", { value: readVisibility(env.record), aff: "numeric" }, { value: 1n, aff: "none" })
  }
  return operand
}

function storedValue(scope: MatcherScope, field: Field, modifier: string | undefined): MOperand | null {
  if (field.type === "json") return jsonOperand(field, [], modifier === "lower")
  const read = columnReader(field)
  if (modifier === "lower") return { aff: "none", disabled: false, cls: NEUTRAL, value: (env) => lowerValue(read(env.record)) }
  if (modifier === "length" && isListField(field)) {
    return { aff: "none", disabled: false, cls: NEUTRAL, value: (env) => BigInt(arrayItems(read(env.record), env.record[field.name]).length) }
  }
  // a single value's items join without the every-value rule: left to SQL
  if (modifier === "each" && isListField(field) && !isMultipleField(field)) return null
  if (modifier === "each" && isMultipleField(field)) {
    const source = addSource(scope, `${field.name}:each`, (env) => arrayItems(read(env.record), env.record[field.name]))
    return { aff: "none", disabled: false, cls: NEUTRAL, source, value: (env) => env.items[source]![env.index[source]!]! }
  }
  return { aff: columnAffinity(field), disabled: false, cls: NEUTRAL, value: (env) => read(env.record) }
}

/** Registers (or reuses) a multi-valued source; empty lists behave like a LEFT JOIN's one NULL row. */
export function addSource(scope: MatcherScope, key: string, items: (env: Env) => SqlValue[]): number {
  const existing = scope.sources.findIndex((s) => s.key === key)
  if (existing !== -1) return existing
  scope.sources.push({ key, items })
  return scope.sources.length - 1
}

/** Reads a decoded record value in its stored SQL form (storage layout + column affinity). */
export function columnReader(field: Field): (record: RecordData) => SqlValue {
  const name = field.name
  switch (field.type) {
    case "number":
      return (r) => toNumeric(plain(r[name], 0n))
    case "bool":
      return (r) => (r[name] === true || r[name] === 1 || r[name] === 1n || r[name] === "1" ? 1n : 0n)
    case "geoPoint":
      return (r) => toNumeric(typeof r[name] === "string" ? (r[name] as string) : JSON.stringify(r[name] ?? { lon: 0, lat: 0 }))
    default:
      if (isMultipleField(field)) {
        return (r) => toNumeric(typeof r[name] === "string" ? (r[name] as string) : JSON.stringify(r[name] ?? []))
      }
      return (r) => toText(plain(r[name], ""))
  }
}

function plain(value: unknown, empty: SqlValue): SqlValue {
  if (value === null || value === undefined) return empty
  if (typeof value === "boolean") return value ? 1n : 0n
  if (typeof value === "number") return numericValue(value)
  if (typeof value === "string" || typeof value === "bigint") return value
  return JSON.stringify(value)
}

/** Items `json_each` yields for a stored list value (mirrors `jsonArrayExpr`). */
function arrayItems(stored: SqlValue, decoded: unknown): SqlValue[] {
  if (stored === null || stored === "") return []
  if (Array.isArray(decoded)) return decoded.map(fromJson)
  if (typeof stored === "string" && /^[\s]*\[/.test(stored)) {
    try {
      const parsed: unknown = JSON.parse(stored)
      if (Array.isArray(parsed)) return parsed.map(fromJson)
    } catch {
      // not JSON: one item, like json_array(x)
    }
  }
  return [stored]
}

function jsonOperand(field: Field, path: string[], lower: boolean): MOperand {
  const name = field.name
  const read = (env: Env): SqlValue => {
    let doc = env.record[name]
    if (field.type === "geoPoint" && typeof doc === "string") doc = safeParse(doc)
    if (doc === undefined) return null
    const { found, value } = walkValue(doc, path)
    return found ? fromJson(value) : null
  }
  return { aff: "none", disabled: true, cls: NEUTRAL, value: lower ? (env) => lowerValue(read(env)) : read }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Mirrors `valueOperand` of the SQL side for a request-dependent value. */
function staticValue(get: (env: Env) => unknown, numericText: boolean): MOperand {
  const normalise = (env: Env): unknown => {
    const v = get(env)
    if (numericText && typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v)
    return v
  }
  return {
    aff: "none",
    disabled: false,
    cls: (env) => clsOfValue(normaliseForCls(normalise(env))),
    value: (env) => staticSql(normalise(env)),
    pattern: (env) => {
      const v = normalise(env)
      if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return undefined
      return likePattern(typeof v === "object" ? JSON.stringify(v) : v)
    },
  }
}

const normaliseForCls = (v: unknown): unknown => (typeof v === "number" && !Number.isFinite(v) ? null : v)

function staticSql(v: unknown): SqlValue {
  if (v === null || v === undefined) return null
  if (typeof v === "number") return Number.isFinite(v) ? v : null
  if (typeof v === "boolean") return v ? 1n : 0n
  if (typeof v === "string") return v
  return JSON.stringify(v) ?? null
}

function requestOperand(scope: MatcherScope, name: string): MOperand | null {
  const ref = classifyRequest(scope.collection, name)
  const bodyValue = (field: Field) => (env: Env) => walkValue(requestRoot(env.request, "body"), [field.name]).value
  switch (ref.kind) {
    case "isset":
      return { aff: "none", disabled: false, cls: KNOWN, truthKeyword: true, value: (env) => (env.request && lookupRequest(env.request, ref.path).found ? 1n : 0n) }
    case "static": {
      const lookup = (env: Env) => lookupRequest(env.request, ref.path).value
      const operand = staticValue(lookup, ref.numeric)
      return ref.lower ? lowerStatic(operand, lookup) : operand
    }
    case "bodyLength": {
      const count = (env: Env) => submittedItems(bodyValue(ref.field)(env)).length
      return { aff: "none", disabled: false, cls: (env) => (count(env) <= 1 ? "known" : "neutral"), value: (env) => BigInt(count(env)) }
    }
    case "bodyLower": {
      const text = (env: Env) => (env.request ? submittedText(bodyValue(ref.field)(env)) : null)
      return lowerStatic(staticValue(text, false), text)
    }
    case "bodyEach": {
      // a single-valued field's items are joined without the every-value rule: left to SQL
      if (!isMultipleField(ref.field)) return null
      const items = (env: Env) => (env.request ? submittedItems(bodyValue(ref.field)(env)).map(fromJson) : [])
      const source = addSource(scope, name, items)
      // bound as one JSON value, the list counts as known non-empty (NULL without a request)
      return {
        aff: "none", disabled: false, cls: (env) => (env.request ? "known" : "empty"), source, likeInvalid: true,
        value: (env) => env.items[source]![env.index[source]!]!,
      }
    }
    case "bodyChanged":
      return changedOperand(scope, ref.field)
    default:
      return null
  }
}

/** `LOWER(<value operand>)`: keeps the value's classification; LIKE rewrites the inner parameter. */
function lowerStatic(inner: MOperand, raw: (env: Env) => unknown): MOperand {
  return {
    aff: "none",
    disabled: false,
    cls: (env) => {
      const v = raw(env)
      // an inline NULL has no parameter values, so LOWER(NULL) is neither empty nor known
      return v === null || v === undefined ? "neutral" : inner.cls(env)
    },
    value: (env) => lowerValue(inner.value(env)),
    pattern: (env) => {
      const v = raw(env)
      // only bound parameters (strings, JSON) are rewritten; inline numbers/bools are not
      if (typeof v === "string" || (v !== null && typeof v === "object")) return lowerValue(inner.pattern!(env) ?? null)
      return undefined
    },
  }
}

function changedOperand(scope: MatcherScope, field: Field): MOperand {
  const segments = ["body", field.name]
  const submitted = staticValue((env) => lookupRequest(env.request, segments).value, field.type === "number")
  const stored = storedField(scope, field, undefined)!
  return {
    aff: "none", disabled: true, cls: NEUTRAL,
    value: (env) => {
      if (!lookupRequest(env.request, segments).found) return 0n
      return equality(true, submitted, stored, env) ? 1n : 0n
    },
  }
}


function geoDistance(scope: MatcherScope, args: Operand[]): MOperand | null {
  if (args.length !== 4) throw new FilterResolveError(`geoDistance() needs 4 arguments, got ${args.length}`)
  const parts: MOperand[] = []
  for (const arg of args) {
    if (arg.kind !== "identifier" && arg.kind !== "number") throw new FilterResolveError("geoDistance() arguments must be fields or numbers")
    const part = compileOperand(scope, arg)
    if (!part) return null
    parts.push(part)
  }
  const [lonA, latA, lonB, latB] = parts as [MOperand, MOperand, MOperand, MOperand]
  // as a LIKE pattern, bound arguments are rewritten into non-numeric patterns and the distance is NULL
  const numberArg = args.some((arg) => arg.kind === "number")
  const rad = (op: MOperand, env: Env): number | null => {
    const v = toNumeric(op.value(env))
    if (v === null || typeof v === "string") return null
    return Number(v) * (Math.PI / 180)
  }
  return {
    aff: "none", disabled: true, cls: NEUTRAL,
    value: (env) => {
      const [a, b, c, d] = [rad(lonA, env), rad(latA, env), rad(lonB, env), rad(latB, env)]
      if (a === null || b === null || c === null || d === null) return null
      if (a === c && b === d) return 0
      const result = 6371 * Math.acos(Math.cos(b) * Math.cos(d) * Math.cos(c - a) + Math.sin(b) * Math.sin(d))
      return Number.isNaN(result) ? null : result
    },
    pattern: (env) => (numberArg || parts.some((part) => part.pattern?.(env) !== undefined) ? null : undefined),
  }
}
