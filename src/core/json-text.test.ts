import { describe, expect, it } from "bun:test"
import { jsonTextProblem, jsonTooDeep, parseJson, parseJsonStrict } from "./json-text.ts"

describe("JSON text as PocketBase's decoder takes it", () => {
  it("counts arrays and objects together for the nesting limit", () => {
    expect(jsonTooDeep('{"a":[{"b":[]}]}', 4)).toBe(false)
    expect(jsonTooDeep('{"a":[{"b":[[]]}]}', 4)).toBe(true)
  })
  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(jsonTooDeep(`["[[[[", "\\"[[[[\\""]`, 1)).toBe(false)
  })
  it("parses within the limit and throws a SyntaxError beyond it", () => {
    expect(parseJson("[[1]]")).toEqual([[1]])
    expect(() => parseJson("[".repeat(10_001) + "]".repeat(10_001))).toThrow(SyntaxError)
    expect(() => parseJson("[".repeat(10_000) + "]".repeat(10_000))).not.toThrow()
  })
  it.each([
    ['{"a":1,"a":2}', "duplicate member name"],
    ['{"title":1,"ti\\u0074le":2}', "duplicate member name"],
    ['{"a":{"b":1,"b":2}}', "duplicate member name"],
    ['["\\ud800"]', "lone surrogate"],
    ['["\\udc00x"]', "lone surrogate"],
    ['{"\\ud800x":1}', "lone surrogate"],
  ])("refuses %p in a request body (%s)", (text, problem) => {
    expect(jsonTextProblem(text, true)).toBe(problem as never)
    expect(() => parseJsonStrict(text)).toThrow(SyntaxError)
  })
  it.each([
    '{"a":{"x":1},"b":{"x":2}}',
    '[{"a":1},{"a":2}]',
    '{"a":"a","b":"a"}',
    '{"a":"\\ud83d\\ude00"}',
    '{"a":"\\\\u0061","\\\\u0061":1}',
    '{"n":1e308,"m":-1e-400}',
  ])("takes %p", (text) => {
    expect(parseJsonStrict(text)).toEqual(JSON.parse(text))
  })
  it("refuses numbers out of float64's range anywhere in a body", () => {
    for (const text of ['{"n":1e400}', '{"a":[1,{"b":-1E+999}]}', `{"n":${"9".repeat(400)}}`]) {
      expect(() => parseJsonStrict(text)).toThrow(SyntaxError)
    }
  })
})
