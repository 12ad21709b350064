import { describe, expect, it } from "bun:test"
import { parseSubscription, recordEventCandidates, snakeCase, stringifyOptionValue } from "./topics.ts"

describe("subscription options", () => {
  it("a topic without options stores empty query and headers (#39)", () => {
    expect(parseSubscription("test1").options).toEqual({ query: {}, headers: {} })
  })

  it("raw JSON options are stringified and header names snake_cased (#39)", () => {
    const sub = parseSubscription('test2?options={"query":{"name":123},"headers":{"X-Token":456}}')
    expect(sub.options).toEqual({ query: { name: "123" }, headers: { x_token: "456" } })
    expect(sub.raw).toBe('test2?options={"query":{"name":123},"headers":{"X-Token":456}}')
    expect(sub.base).toBe("test2")
  })

  it("decodes the SDK's percent-encoded form", () => {
    const opts = encodeURIComponent(JSON.stringify({ query: { filter: "a = 1", expand: "author" }, headers: { Authorization: "x" } }))
    const sub = parseSubscription(`posts/*?options=${opts}`)
    expect(sub.options).toEqual({ query: { filter: "a = 1", expand: "author" }, headers: { authorization: "x" } })
  })

  it("form-decodes: + is a space", () => {
    expect(parseSubscription('t?options={"query":{"f":"a+b"}}').options.query).toEqual({ f: "a b" })
  })

  it("uses the first options value only", () => {
    const sub = parseSubscription('t?options={"query":{"a":"1"}}&options={"query":{"a":"2"}}')
    expect(sub.options.query).toEqual({ a: "1" })
  })

  it("ignores bad JSON, non-object JSON, bad escapes and fragments", () => {
    expect(parseSubscription("t?options={bad").options).toEqual({ query: {}, headers: {} })
    expect(parseSubscription("t?options=[1]").options).toEqual({ query: {}, headers: {} })
    expect(parseSubscription('t?options={"query":5}').options).toEqual({ query: {}, headers: {} })
    expect(parseSubscription("t?options=%7").options).toEqual({ query: {}, headers: {} })
    expect(parseSubscription('t#x?options={"query":{"a":1}}').options).toEqual({ query: {}, headers: {} })
  })

  it("equal options give equal grouping keys regardless of key order", () => {
    const a = parseSubscription('a?options={"query":{"x":"1","y":"2"}}')
    const b = parseSubscription('b?options={"query":{"y":2,"x":1}}')
    expect(a.optionsKey).toBe(b.optionsKey)
    expect(parseSubscription("c").optionsKey).toBe(parseSubscription("d?options={}").optionsKey)
  })

  it("stringifies values like PocketBase", () => {
    expect(stringifyOptionValue("s")).toBe("s")
    expect(stringifyOptionValue(123)).toBe("123")
    expect(stringifyOptionValue(1.5)).toBe("1.5")
    expect(stringifyOptionValue(1e21)).toBe("1000000000000000000000")
    expect(stringifyOptionValue(1e-7)).toBe("0.0000001")
    expect(stringifyOptionValue(-2.5e-8)).toBe("-0.000000025")
    expect(stringifyOptionValue(true)).toBe("true")
    expect(stringifyOptionValue(false)).toBe("false")
    expect(stringifyOptionValue(null)).toBe("")
    expect(stringifyOptionValue([1])).toBe("")
    expect(stringifyOptionValue({ a: 1 })).toBe("")
  })

  it("snake_cases header names", () => {
    expect(snakeCase("X-Token")).toBe("x_token")
    expect(snakeCase("Authorization")).toBe("authorization")
    expect(snakeCase("myTestDB")).toBe("my_test_db")
    expect(snakeCase("content_type")).toBe("content_type")
    expect(snakeCase("X--Forwarded  For")).toBe("x_forwarded_for")
  })
})

describe("record event matching", () => {
  const posts = { id: "pbc_123", name: "posts" }
  const keys = [
    "posts/*",
    "posts/*?options=%7B%7D",
    "posts/abc",
    "posts/abc?options=%7B%7D",
    "posts",
    "pbc_123/*",
    "pbc_123/abc",
    "posts/abcd",
    "posts/*x",
    "Posts/*",
    "posts_old/*",
    "demo1/*",
  ]

  it("matches name or id, * or the id, and the bare collection, with the rule kind", () => {
    // A key receives the event when its base (the part before "?") is a candidate's base.
    const candidates = recordEventCandidates(posts, "abc")
    const matched = keys.flatMap((key) => {
      const hit = candidates.find((c) => key.split("?")[0] === c.base)
      return hit ? [{ key, kind: hit.kind }] : []
    })
    expect(matched).toEqual([
      { key: "posts/*", kind: "list" },
      { key: "posts/*?options=%7B%7D", kind: "list" },
      { key: "posts/abc", kind: "view" },
      { key: "posts/abc?options=%7B%7D", kind: "view" },
      { key: "posts", kind: "list" },
      { key: "pbc_123/*", kind: "list" },
      { key: "pbc_123/abc", kind: "view" },
    ])
  })

  it("drops duplicate candidates when the name equals the id", () => {
    const same = recordEventCandidates({ id: "x", name: "x" }, "r")
    expect(same.map((c) => c.prefix)).toEqual(["x/r?", "x/*?", "x?"])
  })
})
