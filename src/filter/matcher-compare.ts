/**
 * @module
 * Evaluates one comparison in memory exactly like the SQL that `compare-sql.ts` writes for it:
 * same null/empty rules, same affinity conversions, same LIKE semantics.
 */
import type { CompareOp } from "./ast.ts"
import { likeToRegExp } from "./like.ts"
import { LruCache } from "../core/lru-cache.ts"
import type { Env, MOperand } from "./matcher-operands.ts"
import { compareOp, isOp, type Side, type SqlValue, toText, truthOf } from "./sql-values.ts"

const EMPTY_TEXT: Side = { value: "", aff: "none" }
const side = (operand: MOperand, env: Env): Side => ({ value: operand.value(env), aff: operand.aff })

/** Evaluates `left op right` (base operator, no `?`); null stands for SQL NULL. */
export function evaluateComparison(op: CompareOp, left: MOperand, right: MOperand, env: Env): boolean | null {
  switch (op) {
    case "=":
    case "!=":
      return equality(op === "!=", left, right, env)
    case "~":
    case "!~":
      return like(op === "!~", left, right, env)
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compareOp(op, side(left, env), side(right, env))
    default:
      throw new Error(`unexpected operator ${op}`)
  }
}

/** `l IS r`, where a TRUE/FALSE keyword on the right tests the truth of `l`. */
function isSql(l: Side, right: MOperand, r: Side): boolean {
  if (!right.truthKeyword) return isOp(l, r)
  const truth = truthOf(l.value)
  return truth !== null && truth === (r.value !== 0n)
}

/** `=` / `!=` with the empty-value rules; `!=` never yields NULL. */
export function equality(negated: boolean, left: MOperand, right: MOperand, env: Env): boolean | null {
  if (left.disabled || right.disabled) {
    const same = isSql(side(left, env), right, side(right, env))
    return negated ? !same : same
  }
  const lc = left.cls(env)
  const rc = right.cls(env)
  if (lc === "empty" && rc === "empty") return !negated
  if (lc === "known" || rc === "known") {
    const l = lc === "empty" ? EMPTY_TEXT : side(left, env)
    const r = rc === "empty" ? EMPTY_TEXT : side(right, env)
    return negated ? !isSql(l, right, r) : compareOp("=", l, r)
  }
  if (lc === "empty" || rc === "empty") {
    const other = lc === "empty" ? side(right, env) : side(left, env)
    // ('' = x OR x IS NULL) and its negation (x IS NOT '' AND x IS NOT NULL)
    const matches = other.value === null || isOp(EMPTY_TEXT, other)
    return negated ? !matches : matches
  }
  const l: Side = { value: left.value(env) ?? "", aff: "none" }
  const r: Side = { value: right.value(env) ?? "", aff: "none" }
  const same = isOp(l, r)
  return negated ? !same : same
}

// A memo of a pure translation; patterns repeat across rows and requests.
const regexCache = new LruCache<string, RegExp | null>(500)

function like(negated: boolean, left: MOperand, right: MOperand, env: Env): boolean | null {
  const text = toText(left.value(env))
  const custom = right.pattern?.(env)
  const pattern = custom !== undefined ? toText(custom) : wrapPercent(right.value(env))
  if (text === null || pattern === null) return null
  let regex = regexCache.get(pattern)
  if (regex === undefined) {
    regex = likeToRegExp(pattern)
    regexCache.set(pattern, regex)
  }
  const matched = regex !== null && regex.test(text)
  return negated ? !matched : matched
}

function wrapPercent(value: SqlValue): string | null {
  const text = toText(value)
  return text === null ? null : `%${text}%`
}
