/**
 * @module
 * Compiles a parsed filter into an SQL boolean expression inside a {@link Scope}, including the
 * "every value must match" NOT EXISTS wrapper for multi-valued operands.
 */
import { baseOp, type Comparison, type FilterExpr, isAnyOp, type Operand } from "./ast.ts"
import { compareSql, likeOperand } from "./compare-sql.ts"
import { fromSql, joinsSql, type Scope, type SqlOperand } from "./query-context.ts"
import { resolveOperand } from "./resolve-operand.ts"
import { columnRef, quoteIdent } from "./sql-text.ts"

/** SQL for the whole expression; `&&` groups are parenthesised inside `||`. */
export function compileExpr(scope: Scope, expr: FilterExpr): string {
  switch (expr.kind) {
    case "comparison":
      return compileComparison(scope, expr)
    case "and":
      return `(${expr.items.map((item) => compileExpr(scope, item)).join(" AND ")})`
    case "or":
      return `(${expr.items.map((item) => compileExpr(scope, item)).join(" OR ")})`
  }
}

function compileComparison(scope: Scope, cmp: Comparison): string {
  const op = baseOp(cmp.op)
  const isLike = op === "~" || op === "!~"
  const left = resolveOperand(scope, cmp.left)
  let right = resolveOperand(scope, cmp.right)
  if (isLike) right = likeOperand(scope.ctx, right)
  let sql = compareSql(op, left, right)

  if (!isAnyOp(cmp.op) && (left.multi || right.multi)) {
    const froms: string[] = []
    const innerLeft = left.multi ? valuesSubquery(scope, cmp.left, froms) : singleSide(left)
    const innerRight = right.multi ? valuesSubquery(scope, cmp.right, froms) : singleSide(right)
    // every joined value must satisfy the comparison; values making it NULL are not violations
    sql = `(${sql} AND NOT EXISTS (SELECT 1 FROM ${froms.join(", ")} WHERE NOT (${compareSql(op, innerLeft, innerRight)})))`
  }
  const guards = [...left.guards, ...right.guards]
  return guards.length === 0 ? sql : `(${sql} AND ${guards.join(" AND ")})`
}

/**
 * The single-valued side of a many-vs-one check, as PocketBase rebuilds it inside the subquery:
 * same SQL and bound values, but the default empty-value rules (a JSON path there is no longer
 * compared with IS).
 */
const singleSide = (operand: SqlOperand): SqlOperand => ({ ...operand, nullFallback: "auto", guards: [] })

/**
 * Re-resolves a multi-valued operand in a fresh subquery over the same base row and returns an
 * operand reading its values (`<alias>.v`); the subquery is appended to `froms`. The values carry
 * no bound parameters of their own, so they are neither "empty" nor "known" and a `~` wraps them
 * in `%` as a column.
 */
function valuesSubquery(scope: Scope, ast: Operand, froms: string[]): SqlOperand {
  const ctx = scope.ctx
  const sub: Scope = { ...scope, alias: ctx.newAlias("mm"), joins: new Map(), checkJoins: false }
  const operand = resolveOperand(sub, ast)
  const valuesAlias = ctx.newAlias("mmv")
  froms.push(
    `(SELECT ${operand.sql} AS ${quoteIdent("v")} FROM ${fromSql(scope.collection, sub.alias, scope.source)}${joinsSql(sub.joins)} ` +
      `WHERE ${columnRef(sub.alias, "id")} = ${columnRef(scope.alias, "id")}) ${quoteIdent(valuesAlias)}`,
  )
  return { ...operand, sql: columnRef(valuesAlias, "v"), values: [], paramNames: [], literal: undefined, likeNull: false, multi: false }
}
