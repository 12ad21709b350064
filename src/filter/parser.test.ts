import { describe, expect, it } from "bun:test"
import { FilterSyntaxError } from "./errors.ts"
import { tokenize } from "./lexer.ts"
import { parseFilter, parseFilterUncached } from "./parser.ts"

const syntaxError = (text: string): FilterSyntaxError => {
  try {
    parseFilterUncached(text)
  } catch (error) {
    expect(error).toBeInstanceOf(FilterSyntaxError)
    return error as FilterSyntaxError
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(text)}`)
}

describe("lexer", () => {
  it("reads every token kind", () => {
    const tokens = tokenize(`a.b:lower ?!= 'x' && (n>=-1.5 || f(1, "y"))`)
    expect(tokens.map((t) => `${t.kind}:${t.value}`)).toEqual([
      "identifier:a.b:lower", "sign:?!=", "text:x", "join:&&", "lparen:(", "identifier:n", "sign:>=",
      "number:-1.5", "join:||", "identifier:f", "lparen:(", "number:1", "comma:,", "text:y", "rparen:)", "rparen:)",
    ])
    expect(tokens[9]!.call).toBe(true)
  })

  it("decodes JSON escapes and keeps unknown ones", () => {
    expect(tokenize(String.raw`'a\'b\\c\n\u0041\d'`)[0]!.value).toBe("a'b\\c\nA\\d")
    expect(tokenize(String.raw`"x\"y"`)[0]!.value).toBe('x"y')
  })

  it("skips comments and CR/LF/tab whitespace", () => {
    expect(tokenize("a = 1 // note\r\n\t&& b = 2 //end").map((t) => t.value)).toEqual(["a", "=", "1", "&&", "b", "=", "2"])
  })

  it.each([
    ["a =! b", 2, "invalid operator '=!'"],
    ["a = 1 & b = 2", 6, "invalid join operator '&'"],
    ["a = 'x", 4, "unterminated text literal"],
    ["a = 1.", 4, "invalid number"],
    ["a = .5", 4, "unexpected character"],
    ["a. = 1", 0, "may not end with '.'"],
    ["@ = 1", 0, "invalid identifier '@'"],
    ["a / b", 2, "unexpected '/'"],
    ["a = 1 ; b", 6, "unexpected character"],
    ["a = - 1", 4, "invalid number"],
    ["a = 1abc", 4, "invalid number"],
  ])("rejects %j at %d", (text, pos, message) => {
    const error = syntaxError(text)
    expect(error.position).toBe(pos)
    expect(error.message).toContain(message)
  })
})

describe("parser", () => {
  it("gives && precedence over ||", () => {
    const expr = parseFilter("a = 1 || b = 2 && c = 3")
    expect(expr.kind).toBe("or")
    if (expr.kind !== "or") return
    expect(expr.items[0]!.kind).toBe("comparison")
    expect(expr.items[1]!.kind).toBe("and")
  })

  it("lets groups override precedence", () => {
    const expr = parseFilter("(a = 1 || b = 2) && c = 3")
    expect(expr.kind).toBe("and")
  })

  it("rejects empty groups, as PocketBase v0.40.6 does (the spec's 'skipped' is wrong)", () => {
    expect(() => parseFilter("() && a = 1")).toThrow(FilterSyntaxError)
    expect(() => parseFilter("a = 1 || (()) && b = 2")).toThrow(FilterSyntaxError)
  })

  it("parses functions with nested calls and comments between arguments", () => {
    const expr = parseFilter("geoDistance(a, b // c\n, 1, -2.5) < 10")
    expect(expr).toMatchObject({ kind: "comparison", op: "<", left: { kind: "function", name: "geoDistance" } })
    if (expr.kind === "comparison" && expr.left.kind === "function") expect(expr.left.args).toHaveLength(4)
  })

  it("keeps parentheses inside text literals", () => {
    expect(parseFilter("a = '(('")).toMatchObject({ right: { kind: "text", value: "((" } })
  })

  it("caches parses by text and freezes them", () => {
    const first = parseFilter("cached = 1")
    expect(parseFilter("cached = 1")).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
  })

  it.each([
    ["", 0, "empty filter"],
    ["   // only a comment", 0, "empty filter"],
    ["()", 0, "empty group"],
    ["a", 1, "expected an operator"],
    ["a = ", 4, "unexpected end"],
    ["a = 1 b = 2", 6, "expected && or ||"],
    ["(a = 1", 6, "unexpected end of filter, expected ')'"],
    ["a = 1)", 5, "unexpected ')'"],
    ["a = (1)", 4, "expected an operand"],
    ["f (1) = 1", 2, "expected an operator"],
    ["f(1,) = 1", 4, "expected an operand"],
    ["f(g(h(i(1)))) = 1", 6, "nest too deeply"],
    ["a && b = 1", 2, "expected an operator"],
  ])("rejects %j at %d", (text, pos, message) => {
    const error = syntaxError(text)
    expect(error.message).toContain(message)
    expect(error.position).toBe(pos)
  })

  it("enforces the size limits", () => {
    expect(syntaxError(`a = '${"x".repeat(3500)}'`).message).toContain("too long")
    const many = Array.from({ length: 201 }, () => "a=1").join("&&")
    expect(syntaxError(many).message).toContain("too many comparisons")
    expect(() => parseFilterUncached(Array.from({ length: 200 }, () => "a=1").join("&&"))).not.toThrow()
  })

  it("counts bytes, not characters", () => {
    expect(syntaxError(`a = '${"é".repeat(1749)}'`).message).toContain("too long")
  })
})

describe("referencedRequestFields", () => {
  it("lists @request paths without modifiers", async () => {
    const { referencedRequestFields } = await import("./request-refs.ts")
    const expr = parseFilter("author = @request.auth.id && @request.body.title:changed = true || geoDistance(@request.query.lon, 1, 2, 3) < 1 || @request.auth.id != ''")
    expect(referencedRequestFields(expr)).toEqual(["@request.auth.id", "@request.body.title", "@request.query.lon"])
  })
})
