import { describe, expect, it } from "bun:test"
import { ALPHANUMERIC, newTokenKey, newTokenSecret, randomString } from "./random.ts"

describe("randomString", () => {
  it("makes 50-char alphanumeric token keys and secrets", () => {
    expect(newTokenKey()).toMatch(/^[a-zA-Z0-9]{50}$/)
    expect(newTokenSecret()).toMatch(/^[a-zA-Z0-9]{50}$/)
    expect(newTokenKey()).not.toBe(newTokenKey())
  })

  it("draws only from the given alphabet, in the given length", () => {
    expect(randomString(0)).toBe("")
    expect(randomString(15, "abc")).toMatch(/^[abc]{15}$/)
    expect(randomString(1000, "x")).toBe("x".repeat(1000))
  })

  it("covers the alphabet roughly uniformly", () => {
    const counts = new Map<string, number>()
    for (const ch of randomString(62_000)) counts.set(ch, (counts.get(ch) ?? 0) + 1)
    expect(counts.size).toBe(ALPHANUMERIC.length)
    for (const n of counts.values()) expect(n).toBeGreaterThan(700) // expected 1000 each
  })

  it("rejects bad arguments", () => {
    expect(() => randomString(-1)).toThrow(RangeError)
    expect(() => randomString(1.5)).toThrow(RangeError)
    expect(() => randomString(5, "")).toThrow(RangeError)
  })
})
