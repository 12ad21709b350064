import { describe, expect, it } from "bun:test"
import { tokenFromAuthorization } from "./authorization.ts"

describe("tokenFromAuthorization", () => {
  const cases: [string, string | null | undefined, string][] = [
    ["missing header", null, ""],
    ["undefined header", undefined, ""],
    ["empty header", "", ""],
    ["raw token as the SDK sends it", "eyJhbGci.x.y", "eyJhbGci.x.y"],
    ["Bearer prefix", "Bearer abc", "abc"],
    ["lower-case prefix", "bearer abc", "abc"],
    ["upper-case prefix", "BEARER abc", "abc"],
    ["bare prefix is kept whole (not longer than 7)", "Bearer ", "Bearer "],
    ["prefix plus one char", "Bearer x", "x"],
    ["only the first prefix is stripped", "Bearer Bearer abc", "Bearer abc"],
    ["no space after Bearer", "Bearerabc", "Bearerabc"],
    ["other schemes are left alone", "Basic dXNlcjpwYXNz", "Basic dXNlcjpwYXNz"],
    ["extra spaces are not trimmed", "Bearer  abc", " abc"],
  ]
  for (const [name, header, expected] of cases) {
    it(name, () => expect(tokenFromAuthorization(header)).toBe(expected))
  }
})
