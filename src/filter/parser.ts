/**
 * @module
 * Builds the {@link FilterExpr} tree from tokens and enforces the size limits.
 */
import { type CompareOp, type FilterExpr, type Operand } from "./ast.ts"
import { FilterSyntaxError } from "./errors.ts"
import { LruCache } from "./lru.ts"
import { type Token, tokenize } from "./lexer.ts"

/** Longest accepted filter, in UTF-8 bytes. */
export const MAX_FILTER_BYTES = 3500
/** Most `a op b` comparisons accepted in one filter. */
export const MAX_COMPARISONS = 200
/** Deepest accepted function-call nesting (`f(g(h(x)))` is depth 3). */
export const MAX_FUNCTION_DEPTH = 3

type Item = { join: "&&" | "||"; expr: FilterExpr }

/** Parses one filter without caching; see {@link parseFilter}. */
export function parseFilterUncached(text: string): FilterExpr {
  const bytes = Buffer.byteLength(text, "utf8")
  if (bytes > MAX_FILTER_BYTES) {
    throw new FilterSyntaxError(`filter is too long (${bytes} bytes, max ${MAX_FILTER_BYTES})`, MAX_FILTER_BYTES)
  }
  const tokens = tokenize(text)
  if (tokens.length === 0) throw new FilterSyntaxError("empty filter expression", 0)
  const parser = new Parser(tokens, text.length)
  const expr = parser.parseExpr(0)
  if (parser.peek()) throw new FilterSyntaxError(`unexpected '${parser.peek()!.value}'`, parser.peek()!.pos)
  if (!expr) throw new FilterSyntaxError("empty filter expression", 0)
  if (parser.comparisons > MAX_COMPARISONS) {
    throw new FilterSyntaxError(`too many comparisons (${parser.comparisons}, max ${MAX_COMPARISONS})`, 0)
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

class Parser {
  comparisons = 0
  #i = 0
  readonly #tokens: Token[]
  readonly #end: number

  constructor(tokens: Token[], end: number) {
    this.#tokens = tokens
    this.#end = end
  }

  peek(): Token | undefined {
    return this.#tokens[this.#i]
  }

  #next(expected: string): Token {
    const token = this.#tokens[this.#i++]
    if (!token) throw new FilterSyntaxError(`unexpected end of filter, expected ${expected}`, this.#end)
    return token
  }

  /** Parses `item { join item }` until `)` or the end; returns null for an all-empty group. */
  parseExpr(depth: number): FilterExpr | null {
    const items: Item[] = []
    let join: "&&" | "||" = "&&"
    for (;;) {
      const expr = this.#parseItem(depth)
      if (expr) items.push({ join, expr })
      const token = this.peek()
      if (!token || token.kind === "rparen") break
      if (token.kind !== "join") throw new FilterSyntaxError(`expected && or || but found '${token.value}'`, token.pos)
      join = token.value as "&&" | "||"
      this.#i++
    }
    return buildTree(items)
  }

  #parseItem(depth: number): FilterExpr | null {
    const token = this.#next("an expression")
    if (token.kind === "lparen") {
      // PocketBase v0.40.6 rejects an empty group.
      if (this.peek()?.kind === "rparen") throw new FilterSyntaxError("empty group '()'", token.pos)
      const inner = this.parseExpr(depth + 1)
      const close = this.#next("')'")
      if (close.kind !== "rparen") throw new FilterSyntaxError(`expected ')' but found '${close.value}'`, close.pos)
      return inner
    }
    const left = this.#operand(token, 0)
    const sign = this.#next("an operator such as '='")
    if (sign.kind !== "sign") throw new FilterSyntaxError(`expected an operator after operand but found '${sign.value}'`, sign.pos)
    const right = this.#operand(this.#next("an operand"), 0)
    this.comparisons++
    return { kind: "comparison", op: sign.value as CompareOp, left, right, pos: token.pos }
  }

  #operand(token: Token, depth: number): Operand {
    switch (token.kind) {
      case "text":
        return { kind: "text", value: token.value, pos: token.pos }
      case "number":
        return { kind: "number", value: Number(token.value), pos: token.pos }
      case "identifier":
        return token.call ? this.#call(token, depth + 1) : { kind: "identifier", name: token.value, pos: token.pos }
      default:
        throw new FilterSyntaxError(`expected an operand but found '${token.value}'`, token.pos)
    }
  }

  #call(name: Token, depth: number): Operand {
    if (depth > MAX_FUNCTION_DEPTH) {
      throw new FilterSyntaxError(`functions nest too deeply (max ${MAX_FUNCTION_DEPTH})`, name.pos)
    }
    this.#next("'('")
    const args: Operand[] = []
    if (this.peek()?.kind === "rparen") {
      this.#i++
      return { kind: "function", name: name.value, args, pos: name.pos }
    }
    for (;;) {
      args.push(this.#operand(this.#next("a function argument"), depth))
      const sep = this.#next("',' or ')'")
      if (sep.kind === "rparen") break
      if (sep.kind !== "comma") throw new FilterSyntaxError(`expected ',' or ')' in arguments of ${name.value}() but found '${sep.value}'`, sep.pos)
    }
    return { kind: "function", name: name.value, args, pos: name.pos }
  }
}

/** Groups items so that `&&` binds tighter than `||`. */
function buildTree(items: Item[]): FilterExpr | null {
  if (items.length === 0) return null
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
