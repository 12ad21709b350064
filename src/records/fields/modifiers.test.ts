/** Body modifiers; the PATCH examples were replayed on the reference server. */
import { describe, expect, it } from "bun:test"
import { applyModifiers, resolveModifierKey } from "./modifiers.ts"
import { makeField } from "./test-fields.ts"

const fields = [
  makeField("number", {}, "total"),
  makeField("select", { values: ["a", "b", "c"], maxSelect: 3 }, "tags"),
  makeField("select", { values: ["a", "b"] }, "one"),
  makeField("relation", { collectionId: "x", maxSelect: 5 }, "rel"),
  makeField("file", { maxSelect: 5 }, "docs"),
  makeField("text", { autogeneratePattern: "[0-9]{4}" }, "code"),
  makeField("text", {}, "plain"),
  makeField("autodate", { onCreate: true }, "created"),
]

describe("resolveModifierKey", () => {
  it.each<[string, string | null, string | null]>([
    ["total", "total", "set"], ["total+", "total", "append"], ["total-", "total", "remove"], ["+total", null, null],
    ["tags+", "tags", "append"], ["+tags", "tags", "prepend"], ["tags-", "tags", "remove"],
    ["code:autogenerate", "code", "autogenerate"], ["plain+", null, null], ["total:autogenerate", null, null],
    ["unknown", null, null], ["unknown+", null, null],
  ])("%s", (key, name, op) => {
    const resolved = resolveModifierKey(key, fields)
    const actual: (string | null)[] = resolved ? [resolved.field.name, resolved.op] : [null, null]
    expect(actual).toEqual([name, op])
  })
})

describe("applyModifiers", () => {
  it("adds to numbers (spec example)", () => {
    expect(applyModifiers(fields, { total: 10 }, { "total+": 5 }).record.total).toBe(15)
  })

  it("removes then appends list items (spec example)", () => {
    const { record, body } = applyModifiers(fields, { tags: ["a", "b"] }, { "tags-": "a", "tags+": ["c"] })
    expect(record.tags).toEqual(["b", "c"])
    expect(body).toEqual({ tags: ["b", "c"] })
  })

  it("applies keys in ascending length order, each on the previous result (reference PATCH)", () => {
    // stored n 0; {"n+":"2","n-":1} → 1, and sm ["a","b"] - a, then +c → ["c","b"]
    const out = applyModifiers(fields, { total: 0, tags: [] }, { "total+": "2", "total-": 1, tags: ["a", "b"], "tags-": "a", "+tags": "c" })
    expect(out.record.total).toBe(1)
    expect(out.record.tags).toEqual(["c", "b"])
  })

  it("normalizes after every step and single fields keep the last item (reference PATCH)", () => {
    expect(applyModifiers(fields, { one: "" }, { "one+": "a", "+one": "b" }).record.one).toBe("a")
    expect(applyModifiers(fields, { one: "a" }, { "one-": "a" }).record.one).toBe("")
    expect(applyModifiers(fields, { tags: ["a"] }, { "tags+": '["a","b"]' }).record.tags).toEqual(["a", "b"])
    expect(applyModifiers(fields, { rel: ["x"] }, { "+rel": ["y", "x", ""] }).record.rel).toEqual(["y", "x"])
    expect(applyModifiers(fields, { docs: ["a.png", "b.png"] }, { "docs-": ["a.png"] }).record.docs).toEqual(["b.png"])
  })

  it("appends a generated suffix for :autogenerate", () => {
    const { record, body } = applyModifiers(fields, {}, { "code:autogenerate": "INV-" })
    expect(record.code).toMatch(/^INV-[0-9]{4}$/)
    expect(body.code).toBe(record.code)
  })

  it("keeps :autogenerate values as is without a pattern (reference)", () => {
    const plainAuto = [makeField("text", {}, "t")]
    expect(applyModifiers(plainAuto, {}, { "t:autogenerate": "ab" }).record.t).toBe("ab")
  })

  it("keeps unknown keys in the body but not in the record", () => {
    const { record, body } = applyModifiers(fields, { total: 1 }, { other: 1, "plain+": "x" })
    expect(record).toEqual({ total: 1 })
    expect(body).toEqual({ other: 1, "plain+": "x" })
  })

  it("ignores client input for autodate fields", () => {
    const { record, body } = applyModifiers(fields, { created: "2024-01-01 00:00:00.000Z" }, { created: "2030-01-01" })
    expect(record.created).toBe("2024-01-01 00:00:00.000Z")
    expect(body.created).toBe("2030-01-01")
  })

  it("does not mutate the stored record", () => {
    const stored = { total: 10 }
    applyModifiers(fields, stored, { "total+": 5 })
    expect(stored.total).toBe(10)
  })
})
