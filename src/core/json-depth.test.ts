import { describe, expect, it } from "bun:test"
import { jsonTooDeep, parseJson } from "./json-depth.ts"

describe("JSON nesting limit", () => {
  it("counts arrays and objects together", () => {
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
})
