import { describe, expect, it } from "bun:test"
import { generateFromPattern, generateRecordId, PatternError } from "./autogenerate.ts"
import { autogenerateText } from "./text.ts"
import { makeField } from "./test-fields.ts"

describe("generateFromPattern", () => {
  it.each([
    ["[a-z0-9]{15}", /^[a-z0-9]{15}$/],
    ["[a-zA-Z0-9]{50}", /^[a-zA-Z0-9]{50}$/],
    ["ABC-[0-9]{4}", /^ABC-[0-9]{4}$/],
    ["(foo|bar)_\\d{3}", /^(foo|bar)_\d{3}$/],
    ["^x[-_]{2,4}y?$", /^x[-_]{2,4}y?$/],
    ["[^a-z]{5}", /^[^a-z]{5}$/],
    ["\\w+", /^\w+$/],
    ["a{2,}", /^a{2,}$/],
    ["(?:ab)*c", /^(ab)*c$/],
    ["[\\d_]{3}", /^[\d_]{3}$/],
  ])("%s", (pattern, re) => {
    for (let i = 0; i < 20; i++) expect(generateFromPattern(pattern)).toMatch(re)
  })

  it.each(["[a-z", "(ab", "\\", "[z-a]"])("rejects %p", (pattern) => {
    expect(() => generateFromPattern(pattern)).toThrow(PatternError)
  })

  it("makes distinct record ids", () => {
    const ids = new Set(Array.from({ length: 200 }, generateRecordId))
    expect(ids.size).toBe(200)
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{15}$/)
  })
})

describe("autogenerateText", () => {
  const field = makeField("text", { autogeneratePattern: "[a-z]{5}" })
  it("fills empty values on create only", () => {
    expect(autogenerateText(field, "", true)).toMatch(/^[a-z]{5}$/)
    expect(autogenerateText(field, "given", true)).toBe("given")
    expect(autogenerateText(field, "", false)).toBe("")
    expect(autogenerateText(makeField("text"), "", true)).toBe("")
  })
})
