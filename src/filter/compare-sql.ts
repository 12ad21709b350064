/**
 * @module
 * Writes the SQL of one comparison between two resolved operands, following PocketBase's
 * null/empty rules so that `x = null` and `x = ''` mean the same thing.
 */
import type { CompareOp } from "./ast.ts"
import { likePattern } from "./like.ts"
import { submittedListPattern } from "./request-ref.ts"
import type { QueryContext, SqlOperand } from "./query-context.ts"

const EMPTY_SQL = new Set(["null", "''", '""', ""])
const BOOL_SQL = new Set(["1", "0", "true", "false"])

/** "empty": NULL or '' SQL, or a single auto operand bound to '' / null. */
export function isEmptyOperand(operand: SqlOperand): boolean {
  if (EMPTY_SQL.has(operand.sql.trim().toLowerCase())) return true
  return operand.nullFallback === "auto" && operand.values.length === 1 &&
    (operand.values[0] === "" || operand.values[0] === null || operand.values[0] === undefined)
}

/** "known non-empty": a 1/0/true/false literal, or parameters none of which is empty. */
export function isKnownNonEmpty(operand: SqlOperand): boolean {
  if (operand.nullFallback === "enforced") return false
  if (BOOL_SQL.has(operand.sql.trim().toLowerCase())) return true
  return operand.values.length > 0 &&
    operand.values.every((v) => v !== "" && v !== null && v !== undefined) &&
    !isEmptyOperand(operand)
}

/** SQL for `left op right`; `op` is a base operator (no `?`). The right side of `~` must be prepared with {@link likeOperand}. */
export function compareSql(op: CompareOp, left: SqlOperand, right: SqlOperand): string {
  switch (op) {
    case "=":
    case "!=":
      return equalitySql(op === "!=", left, right)
    case "~":
    case "!~":
      return likeSql(op === "!~", left, right)
    case "<":
    case "<=":
    case ">":
    case ">=":
      return `${left.sql} ${op} ${right.sql}`
    default:
      throw new Error(`unexpected operator ${op}`)
  }
}

function equalitySql(negated: boolean, left: SqlOperand, right: SqlOperand): string {
  const eq = negated ? "IS NOT" : "="
  if (left.nullFallback === "disabled" || right.nullFallback === "disabled") {
    return `${left.sql} ${negated ? "IS NOT" : "IS"} ${right.sql}`
  }
  const leftEmpty = isEmptyOperand(left)
  const rightEmpty = isEmptyOperand(right)
  if (leftEmpty && rightEmpty) return `'' ${eq} ''`
  if (isKnownNonEmpty(left) || isKnownNonEmpty(right)) {
    return `${leftEmpty ? "''" : left.sql} ${eq} ${rightEmpty ? "''" : right.sql}`
  }
  if (leftEmpty) {
    return negated
      ? `('' IS NOT ${right.sql} AND ${right.sql} IS NOT NULL)`
      : `('' = ${right.sql} OR ${right.sql} IS NULL)`
  }
  if (rightEmpty) {
    return negated
      ? `(${left.sql} IS NOT '' AND ${left.sql} IS NOT NULL)`
      : `(${left.sql} = '' OR ${left.sql} IS NULL)`
  }
  return `COALESCE(${left.sql}, '') ${eq} COALESCE(${right.sql}, '')`
}

/** True when the LIKE right side carries request/literal values (then it is a prepared pattern). */
export const hasLikeParams = (operand: SqlOperand): boolean =>
  operand.paramNames.length > 0 || (operand.literal !== undefined && operand.literal.value !== null)

function likeSql(negated: boolean, left: SqlOperand, right: SqlOperand): string {
  const not = negated ? "NOT " : ""
  if (!hasLikeParams(right)) return `${left.sql} ${not}LIKE ('%' || ${right.sql} || '%') ESCAPE '\\'`
  return `${left.sql} ${not}LIKE ${right.sql} ESCAPE '\\'`
}

/** Turns the right side of `~` into a LIKE pattern: literals are rebound, bound values rewritten in place. */
export function likeOperand(ctx: QueryContext, operand: SqlOperand): SqlOperand {
  if (operand.likeInvalid) throw submittedListPattern()
  if (operand.likeNull) return { ...operand, sql: "NULL", values: [], paramNames: [], literal: undefined }
  if (!hasLikeParams(operand)) return operand
  if (operand.literal) {
    const pattern = likePattern(operand.literal.value)
    const name = ctx.bind(pattern)
    return { ...operand, sql: name, values: [pattern], paramNames: [name], literal: { value: pattern } }
  }
  for (const name of operand.paramNames) ctx.params[name] = likePattern(ctx.params[name])
  return operand
}
