import { describe, expect, it } from "bun:test"
import { FilterSyntaxError } from "./errors.ts"
import { Scanner } from "./lexer.ts"
import { assertFilterLength, parseFilter, parseFilterUncached } from "./parser.ts"

const syntaxError = (text: string): FilterSyntaxError => {
  try {
    parseFilterUncached(text)
  } catch (error) {
    expect(error).toBeInstanceOf(FilterSyntaxError)
    return error as FilterSyntaxError
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(text)}`)
}

/** Every token of `text` but whitespace and comments, as `kind:value`. */
function tokens(text: string): string[] {
  const scanner = new Scanner(text)
  const out: string[] = []
  for (let token = scanner.next(); token.kind !== "eof"; token = scanner.next()) {
    if (token.kind !== "whitespace" && token.kind !== "comment") out.push(`${token.kind}:${token.value}`)
  }
  return out
}

describe("lexer", () => {
  it("reads every token kind; a group is one token holding its raw text", () => {
    expect(tokens(`a.b:lower ?!= 'x' && (n>=-1.5 || f(1, "y"))`)).toEqual([
      "identifier:a.b:lower", "sign:?!=", "text:x", "join:&&", `group:n>=-1.5 || f(1, "y")`,
    ])
    expect(tokens("f(1, g('a'), -2)")).toEqual(["function:f"])
  })

  it("decodes only \\n \\t \\r and escaped backslashes and quotes; other pairs stay as written", () => {
    expect(tokens(String.raw`'a\'b\\c\n\u0041\d'`)).toEqual(["text:a'b\\c\n\\u0041\\d"])
    expect(tokens(String.raw`'a\b'`)).toEqual(["text:a\\b"])
    expect(tokens(String.raw`"x\"y"`)).toEqual(['text:x"y'])
  })

  it("skips comments, spaces, tabs and newlines", () => {
    expect(tokens("a = 1 // note\n\t&& b = 2 //end")).toEqual(["identifier:a", "sign:=", "number:1", "join:&&", "identifier:b", "sign:=", "number:2"])
  })

  it.each([
    ["a =! b", 2, "invalid operator '=!'"],
    ["a = 1 & b = 2", 6, "invalid join operator '&'"],
    ["a = 'x", 4, "unterminated text literal"],
    ["a = 1.", 4, "invalid number"],
    ["a = .5", 4, "unexpected character"],
    ["a. = 1", 0, "invalid identifier 'a.'"],
    ["@ = 1", 0, "invalid identifier '@'"],
    ["a / b", 2, "unexpected '/'"],
    ["a = 1 ; b", 6, "unexpected character"],
    ["a = - 1", 4, "invalid number"],
    ["a = 1\r", 5, "unexpected character"],
    ["é = 1", 0, "unexpected character"],
    ["(a = 1", 0, "unbalanced parentheses"],
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

  it("reads a group wherever it stands and joins it with the last join, as PocketBase does", () => {
    // `NOT` is an operand left without an operator: the group after it drops it
    expect(parseFilter("NOT (a = 1 || b = 2) || c = 3")).toMatchObject({ kind: "or", items: [{ kind: "or" }, { kind: "comparison" }] })
    expect(parseFilter("(a = 1 && b = 2) (n > 1)")).toMatchObject({ kind: "and", items: [{ kind: "and" }, { kind: "comparison" }] })
    expect(parseFilter("a = 1 || b = 2 (c = 3)")).toMatchObject({ kind: "or", items: [{}, {}, { kind: "comparison" }] })
    expect(parseFilter("a = (b = 1)")).toMatchObject({ kind: "comparison", left: { name: "b" } })
  })

  it("accepts a trailing comma in a call", () => {
    expect(parseFilter("f(1,) = 1")).toMatchObject({ left: { kind: "function", args: [{ kind: "number" }] } })
  })

  it.each([
    ["", 0, "empty filter"],
    [" ", 1, "empty filter"],
    ["\t", 1, "empty filter"],
    ["   // only a comment", 20, "empty filter"],
    ["()", 1, "empty filter"],
    ["a", 1, "incomplete"],
    ["a = ", 4, "incomplete"],
    ["a = 1 b = 2", 6, "expected && or ||"],
    ["a = 1)", 5, "unexpected character"],
    ["a = (1)", 6, "incomplete"],
    ["f(g(h(i(1)))) = 1", 6, "nest too deeply"],
    ["a && b = 1", 2, "expected an operator"],
    ["(a = 1) &&", 10, "incomplete"],
  ])("rejects %j at %d", (text, pos, message) => {
    const error = syntaxError(text)
    expect(error.message).toContain(message)
    expect(error.position).toBe(pos)
  })

  it("limits comparisons in filters and rules, and the length of client filters only", () => {
    const many = Array.from({ length: 201 }, () => "a=1").join("&&")
    expect(syntaxError(many).message).toContain("too many comparisons")
    expect(() => parseFilterUncached(Array.from({ length: 200 }, () => "a=1").join("&&"))).not.toThrow()
    const long = `a = '${"x".repeat(3500)}'`
    expect(() => parseFilterUncached(long)).not.toThrow()
    expect(() => assertFilterLength(long)).toThrow("too long")
    // bytes, not characters
    expect(() => assertFilterLength(`a = '${"é".repeat(1749)}'`)).toThrow("too long")
    expect(() => assertFilterLength(`a = '${"é".repeat(1740)}'`)).not.toThrow()
  })
})

describe("referencedRequestFields", () => {
  it("lists @request paths without modifiers", async () => {
    const { referencedRequestFields } = await import("./request-refs.ts")
    const expr = parseFilter("author = @request.auth.id && @request.body.title:changed = true || geoDistance(@request.query.lon, 1, 2, 3) < 1 || @request.auth.id != ''")
    expect(referencedRequestFields(expr)).toEqual(["@request.auth.id", "@request.body.title", "@request.query.lon"])
  })
})
