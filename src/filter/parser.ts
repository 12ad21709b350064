/**
 * @module
 * Builds the {@link FilterExpr} tree from tokens with PocketBase's parsing rules: a filter is a
 * flat run of `operand sign operand` comparisons and parenthesised groups joined by `&&`/`||`.
 * A group may stand wherever the parser is (it drops a half-read comparison before it) and counts
 * as a finished item, so `(a) (b)` joins its groups with the last join seen (`&&` at first) and
 * `NOT (a || b)` reads as `(a || b)`. `&&` binds tighter than `||`, as in SQL.
 */
import type { CompareOp, FilterExpr, Operand } from "./ast.ts"
import { FilterSyntaxError } from "./errors.ts"
import { LruCache } from "../core/lru-cache.ts"
import { Scanner, type Token } from "./lexer.ts"

/** Longest accepted client filter (`?filter=`), in UTF-8 bytes; API rules have no length limit. */
export const MAX_FILTER_BYTES = 3500
/** Most `a op b` comparisons accepted in one filter or rule. */
export const MAX_COMPARISONS = 200

type Join = "&&" | "||"
type Item = { join: Join; expr: FilterExpr }

/** Throws when a client filter is longer than {@link MAX_FILTER_BYTES}. */
export function assertFilterLength(text: string): void {
  const bytes = Buffer.byteLength(text, "utf8")
  if (bytes > MAX_FILTER_BYTES) {
    throw new FilterSyntaxError(`filter is too long (${bytes} bytes, max ${MAX_FILTER_BYTES})`, MAX_FILTER_BYTES)
  }
}

/** Parses one filter without caching; see {@link parseFilter}. */
export function parseFilterUncached(text: string): FilterExpr {
  const counter = { comparisons: 0 }
  let expr: FilterExpr
  try {
    expr = parseItems(text, 0, counter)
  } catch (error) {
    // tens of thousands of nested groups (possible only in a rule) outrun the stack
    if (error instanceof RangeError) throw new FilterSyntaxError("groups nest too deeply", 0)
    throw error
  }
  if (counter.comparisons > MAX_COMPARISONS) {
    throw new FilterSyntaxError(`too many comparisons (${counter.comparisons}, max ${MAX_COMPARISONS})`, 0)
  }
  return deepFreeze(expr)
}

// A memo of a pure function: every caller gets the same frozen tree for the same text, so sharing
// one cache across apps is safe and keeps hot rules from being re-parsed on every request.
const sharedCache = new LruCache<string, FilterExpr>(2000)

/**
 * Parses filter text into an expression tree (frozen, memoised by text).
 * @throws FilterSyntaxError with the offending position.
 * @example parseFilter("status = 'open' && (votes > 3 || pinned = true)")
 */
export function parseFilter(text: string): FilterExpr {
  const cached = sharedCache.get(text)
  if (cached) return cached
  const expr = parseFilterUncached(text)
  sharedCache.set(text, expr)
  return expr
}

const OPERAND_KINDS = new Set(["identifier", "function", "number", "text"])

/** Parses the items of one level (the whole filter or a group's inner text). */
function parseItems(text: string, offset: number, counter: { comparisons: number }): FilterExpr {
  const scanner = new Scanner(text, offset)
  const items: Item[] = []
  let join: Join = "&&"
  let step: "left" | "sign" | "right" | "join" = "left"
  let left: Operand | undefined
  let sign: Token | undefined
  let started = false
  for (;;) {
    const token = scanner.next()
    if (token.kind === "eof") break
    if (token.kind === "whitespace" || token.kind === "comment") continue
    started = true
    if (token.kind === "group") {
      items.push({ join, expr: parseItems(token.value, token.pos + 1, counter) })
      step = "join"
      continue
    }
    switch (step) {
      case "left":
        left = operand(token, "a left operand")
        step = "sign"
        break
      case "sign":
        if (token.kind !== "sign") throw new FilterSyntaxError(`expected an operator but found '${token.value}'`, token.pos)
        sign = token
        step = "right"
        break
      case "right":
        counter.comparisons++
        items.push({ join, expr: { kind: "comparison", op: sign!.value as CompareOp, left: left!, right: operand(token, "a right operand"), pos: left!.pos } })
        step = "join"
        break
      case "join":
        if (token.kind !== "join") throw new FilterSyntaxError(`expected && or || but found '${token.value}'`, token.pos)
        join = token.value as Join
        step = "left"
        break
    }
  }
  if (step !== "join") {
    const end = offset + text.length
    throw new FilterSyntaxError(items.length === 0 && !started ? "empty filter expression" : "incomplete filter expression", end)
  }
  return buildTree(items)
}

function operand(token: Token, expected: string): Operand {
  if (!OPERAND_KINDS.has(token.kind)) throw new FilterSyntaxError(`expected ${expected} but found '${token.value}'`, token.pos)
  switch (token.kind) {
    case "text":
      return { kind: "text", value: token.value, pos: token.pos }
    case "number":
      return { kind: "number", value: Number(token.value), pos: token.pos }
    case "function":
      return { kind: "function", name: token.value, args: token.args!.map((arg) => operand(arg, "an argument")), pos: token.pos }
    default:
      return { kind: "identifier", name: token.value, pos: token.pos }
  }
}

/** Groups items so that `&&` binds tighter than `||`. */
function buildTree(items: Item[]): FilterExpr {
  const ors: FilterExpr[] = []
  let ands: FilterExpr[] = []
  items.forEach((item, index) => {
    if (index > 0 && item.join === "||") {
      ors.push(ands.length === 1 ? ands[0]! : { kind: "and", items: ands })
      ands = []
    }
    ands.push(item.expr)
  })
  ors.push(ands.length === 1 ? ands[0]! : { kind: "and", items: ands })
  return ors.length === 1 ? ors[0]! : { kind: "or", items: ors }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
