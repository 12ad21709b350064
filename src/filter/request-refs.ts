/**
 * @module
 * Lists which `@request.*` values a filter reads, so realtime can group subscribers whose
 * requests agree on those values and evaluate a rule once per group.
 */
import { type FilterExpr, forEachComparison, type Operand } from "./ast.ts"

/**
 * The `@request.*` paths a filter reads, without modifiers, sorted and de-duplicated
 * (`@request.auth.id`, `@request.body.title`, ...).
 * @example referencedRequestFields(parseFilter("author = @request.auth.id")) // ["@request.auth.id"]
 */
export function referencedRequestFields(expr: FilterExpr): string[] {
  const found = new Set<string>()
  const visit = (operand: Operand): void => {
    if (operand.kind === "function") operand.args.forEach(visit)
    else if (operand.kind === "identifier" && operand.name.startsWith("@request.")) found.add(operand.name.split(":")[0]!)
  }
  forEachComparison(expr, (cmp) => {
    visit(cmp.left)
    visit(cmp.right)
  })
  return [...found].sort()
}
