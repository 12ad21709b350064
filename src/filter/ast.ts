/**
 * @module
 * The parsed form of a filter. `&&` already binds tighter than `||` here, so compilers and the
 * in-memory matcher walk the same tree and cannot disagree on precedence.
 */

/** Comparison operators; the `?` forms use "any value" semantics for multi-valued operands. */
export type CompareOp =
  | "=" | "!=" | "~" | "!~" | "<" | "<=" | ">" | ">="
  | "?=" | "?!=" | "?~" | "?!~" | "?<" | "?<=" | "?>" | "?>="

/** One side of a comparison (or a function argument). `pos` is the 0-based offset in the text. */
export type Operand =
  | { kind: "text"; value: string; pos: number }
  | { kind: "number"; value: number; pos: number }
  | { kind: "identifier"; name: string; pos: number }
  | { kind: "function"; name: string; args: Operand[]; pos: number }

/** `left op right`. */
export interface Comparison {
  kind: "comparison"
  op: CompareOp
  left: Operand
  right: Operand
  pos: number
}

/** A whole filter: comparisons combined by `and` (tighter) and `or`. */
export type FilterExpr =
  | Comparison
  | { kind: "and"; items: FilterExpr[] }
  | { kind: "or"; items: FilterExpr[] }

/** The comparison operators the grammar accepts. */
export const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>([
  "=", "!=", "~", "!~", "<", "<=", ">", ">=",
  "?=", "?!=", "?~", "?!~", "?<", "?<=", "?>", "?>=",
])

/** Strips the `?` prefix: `?!=` → `!=`. */
export const baseOp = (op: CompareOp): CompareOp => (op.startsWith("?") ? (op.slice(1) as CompareOp) : op)

/** True for the `?` ("any") operators. */
export const isAnyOp = (op: CompareOp): boolean => op.startsWith("?")

/** Calls `visit` on every comparison of the expression, left to right. */
export function forEachComparison(expr: FilterExpr, visit: (cmp: Comparison) => void): void {
  if (expr.kind === "comparison") visit(expr)
  else for (const item of expr.items) forEachComparison(item, visit)
}
