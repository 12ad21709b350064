/**
 * Input normalization and column round trips per field type. Rows marked "ref" were checked on the
 * reference server (PocketBase v0.40.6) by POSTing the input as JSON and reading the record back.
 */
import { describe, expect, it } from "bun:test"
import type { Field, FieldType } from "../../core/types.ts"
import { fromColumn, normalize, toColumn, zeroValue } from "./registry.ts"
import { PasswordValue } from "./password.ts"
import { verifyPassword } from "../../core/passwords.ts"
import { makeField } from "./test-fields.ts"

type Row = [input: unknown, output: unknown]

function table(type: FieldType, rows: Row[], options: Partial<Field> = {}) {
  const field = makeField(type, options)
  it.each(rows)(`${type}: %p → %p`, (input, output) => expect(normalize(field, input)).toEqual(output))
}

describe("normalize", () => {
  // ref
  table("text", [
    [12.5, "12.5"], [true, "true"], [null, ""], [[1, 2], ""], [{ a: 1 }, ""], [1e21, "1000000000000000000000"],
    [1e-7, "0.0000001"], [-0, "-0"], [123456789.123456789, "123456789.12345679"], ["  x ", "  x "], [undefined, ""],
  ])
  // ref
  table("number", [
    ["3.5", 3.5], ["abc", 0], [true, 1], [false, 0], ["1e3", 1000], [" 5 ", 0], [[1], 0], ["0x10", 0], [null, 0],
    ["+5", 5], [undefined, 0], [7, 7],
  ])
  it("number: NaN/Inf strings parse through for validation to reject (ref)", () => {
    expect(normalize(makeField("number"), "NaN")).toBeNaN()
    expect(normalize(makeField("number"), "Infinity")).toBe(Infinity)
  })
  // ref
  table("bool", [
    ["t", true], ["T", true], ["1", true], ["TRUE", true], ["True", true], ["true", true], [2, true], [true, true],
    ["yes", false], ["on", false], [[true], false], ["f", false], [0, false], [null, false], ["", false],
  ])
  table("email", [["A@B.co", "A@B.co"], [null, ""], [5, "5"]])
  table("url", [["http://x", "http://x"], [undefined, ""]])
  table("editor", [["<p>x</p>", "<p>x</p>"], [false, "false"]])
  table("date", [["2024-01-02", "2024-01-02 00:00:00.000Z"], ["bad", ""], [123, ""]])
  table("autodate", [["2024-01-02", "2024-01-02 00:00:00.000Z"], [null, ""]])
  // ref: single select keeps the last item; lists parse JSON string arrays
  table("select", [
    [["a", "b"], "b"], ['["a","c"]', "c"], ["[bad", "[bad"], [1, "1"], ["", ""], [null, ""], [[], ""],
  ], { values: ["a", "b", "c"] })
  table("select", [
    [["a", "", "b", "a"], ["a", "b"]], ["a", ["a"]], [null, []], ["[1,2]", ["[1,2]"]], [' ["a"]', ["a"]],
    [[["a"]], []], [{ a: 1 }, []], [[1, true], ["1", "true"]], ['["a","a","b"]', ["a", "b"]],
  ], { values: ["a", "b", "c"], maxSelect: 2 })
  table("relation", [[["x", "y"], "y"], ["x", "x"]], { collectionId: "c" })
  table("relation", [[["x", "y", "x"], ["x", "y"]], ["x", ["x"]]], { collectionId: "c", maxSelect: 5 })
  table("file", [[["a.png", "b.png"], "b.png"]])
  table("file", [[["a.png", "b.png"], ["a.png", "b.png"]]], { maxSelect: 3 })
  // ref: the json encoding rules
  table("json", [
    ["", ""], ["null", null], ["true", true], ["false", false], ["abc", "abc"], ["123", 123], ["-1.5", -1.5],
    ["[1,2", "[1,2"], ['{"b":1,"a":2}', { b: 1, a: 2 }], ['"x"', "x"], [" [1]", " [1]"], ["1abc", "1abc"],
    [null, null], [0, 0], [[], []], [{}, {}], ["  ", "  "], ["nul", "nul"], ["[ 1 , 2 ]", [1, 2]],
    [[{ z: 1, a: [3, { y: 1, b: 2 }] }], [{ a: [3, { b: 2, y: 1 }], z: 1 }]], [undefined, null],
  ])
  it("json: non-string objects get sorted keys (ref)", () => {
    expect(Object.keys(normalize(makeField("json"), { b: 1, a: 2 }) as object)).toEqual(["a", "b"])
    expect(Object.keys(normalize(makeField("json"), '{"b":1,"a":2}') as object)).toEqual(["b", "a"])
  })
  it("json: a value parsed from text keeps its order when normalized again (save, then update)", () => {
    const field = makeField("json")
    const parsed = normalize(field, '{"b":1,"a":{"d":1,"c":2}}')
    expect(JSON.stringify(normalize(field, parsed))).toBe('{"b":1,"a":{"d":1,"c":2}}')
    expect(JSON.stringify(normalize(field, fromColumn(field, '{"b":1,"a":2}')))).toBe('{"b":1,"a":2}')
  })
  // ref
  table("geoPoint", [
    [{ lon: 1, lat: 2 }, { lon: 1, lat: 2 }], ['{"lon":5,"lat":6}', { lon: 5, lat: 6 }], [{ lon: "5", lat: 6 }, { lon: 0, lat: 0 }],
    [{ lat: 6 }, { lon: 0, lat: 6 }], [[1, 2], { lon: 0, lat: 0 }], ["bad", { lon: 0, lat: 0 }], [null, { lon: 0, lat: 0 }],
    [{ lon: 1, lat: 2, x: 3 }, { lon: 1, lat: 2 }],
  ])
  it("password: strings become new plain passwords that serialize to \"\"", () => {
    const value = normalize(makeField("password"), "secret123")
    expect(value).toBeInstanceOf(PasswordValue)
    expect((value as PasswordValue).plain).toBe("secret123")
    expect(JSON.stringify({ p: value })).toBe('{"p":""}') // ref: base collections show ""
  })
})

describe("columns", () => {
  const cases: [FieldType, Partial<Field>, unknown, unknown, unknown][] = [
    // type, options, normalized value, column binding, value read back
    ["text", {}, "hi", "hi", "hi"],
    ["number", {}, 1.5, 1.5, 1.5],
    ["bool", {}, true, 1, true],
    ["bool", {}, false, 0, false],
    ["date", {}, "2024-01-02 00:00:00.000Z", "2024-01-02 00:00:00.000Z", "2024-01-02 00:00:00.000Z"],
    ["select", { values: ["a"] }, "a", "a", "a"],
    ["select", { values: ["a", "b"], maxSelect: 2 }, ["a", "b"], '["a","b"]', ["a", "b"]],
    ["select", { values: ["a"], maxSelect: 2 }, [], "[]", []],
    ["relation", { maxSelect: 3 }, ["x"], '["x"]', ["x"]],
    ["file", {}, "a.png", "a.png", "a.png"],
    ["json", {}, { a: [1, "x"] }, '{"a":[1,"x"]}', { a: [1, "x"] }],
    ["json", {}, null, null, null],
    ["json", {}, "", '""', ""],
    ["geoPoint", {}, { lon: 1.5, lat: -2 }, '{"lon":1.5,"lat":-2}', { lon: 1.5, lat: -2 }],
  ]
  it.each(cases)("%s %p: %p ↔ %p", (type, options, value, column, back) => {
    const field = makeField(type, options)
    expect(toColumn(field, value)).toEqual(column as never)
    expect(fromColumn(field, column)).toEqual(back)
  })

  it("reads SQLite quirks", () => {
    expect(fromColumn(makeField("bool"), 1)).toBe(true)
    expect(fromColumn(makeField("bool"), 0)).toBe(false)
    expect(fromColumn(makeField("number"), "12")).toBe(12) // NUMERIC affinity may hand back text
    expect(fromColumn(makeField("select", { maxSelect: 2 }), null)).toEqual([])
    expect(fromColumn(makeField("select", { maxSelect: 2 }), "a")).toEqual(["a"]) // column written while single
    expect(fromColumn(makeField("select"), '["a","b"]')).toBe("b") // column written while multiple
    expect(fromColumn(makeField("json"), "not json")).toBe("not json")
    expect(fromColumn(makeField("geoPoint"), null)).toEqual({ lon: 0, lat: 0 })
  })

  it("gives each type its storage zero value", () => {
    const zeros: [FieldType, Partial<Field>, unknown][] = [
      ["text", {}, ""], ["number", {}, 0], ["bool", {}, false], ["date", {}, ""], ["json", {}, null],
      ["select", {}, ""], ["select", { maxSelect: 2 }, []], ["geoPoint", {}, { lon: 0, lat: 0 }],
    ]
    for (const [type, options, zero] of zeros) expect(zeroValue(makeField(type, options))).toEqual(zero)
  })

  it("hashes new passwords with bcrypt and keeps stored hashes", async () => {
    const field = makeField("password", { cost: 4 })
    const hash = toColumn(field, "secret123") as string
    expect(hash).toStartWith("$2b$04$")
    expect(await verifyPassword("secret123", hash)).toBe(true)
    expect(await verifyPassword("wrong", hash)).toBe(false)
    const stored = fromColumn(field, hash)
    expect(stored).toBeInstanceOf(PasswordValue)
    expect(toColumn(field, stored)).toBe(hash)
    expect(toColumn(field, normalize(field, stored))).toBe(hash)
  })
})
