/**
 * Field JSON defaults. Expected shapes were copied from the reference server: a collection created
 * with one field of each type given only `name` and `type` (v0.40.6).
 */
import { describe, expect, it } from "bun:test"
import type { FieldType } from "../../core/types.ts"
import { defaultFieldId, withFieldDefaults } from "./defaults.ts"
import { autodateValue } from "./date.ts"
import { prepareValue } from "./registry.ts"
import { makeField } from "./test-fields.ts"

describe("defaultFieldId", () => {
  it.each([
    ["text", "id", "text3208210256"], ["text", "t", "text2238339752"], ["number", "n", "number2013832146"],
    ["bool", "b", "bool1908338681"], ["email", "e", "email4024072794"], ["url", "u", "url4067256894"],
    ["editor", "ed", "editor327952476"], ["date", "d", "date2564639436"], ["autodate", "ad", "autodate2011229528"],
    ["select", "s", "select453955339"], ["json", "j", "json2137352139"], ["relation", "r", "relation1812594589"],
    ["file", "f", "file1993550816"], ["password", "p", "password2181537457"], ["geoPoint", "g", "geoPoint30677878"],
  ])("%s %s → %s", (type, name, id) => expect(defaultFieldId(type, name)).toBe(id))
})

const base = { hidden: false, presentable: false, system: false }
const helped = { ...base, help: "", required: false }

describe("withFieldDefaults", () => {
  it.each<[FieldType, Record<string, unknown>]>([
    ["text", { ...helped, autogeneratePattern: "", max: 0, min: 0, pattern: "", primaryKey: false }],
    ["number", { ...helped, max: null, min: null, onlyInt: false }],
    ["bool", helped],
    ["email", { ...helped, exceptDomains: [], onlyDomains: [] }],
    ["url", { ...helped, exceptDomains: [], onlyDomains: [] }],
    ["editor", { ...helped, convertURLs: false, maxSize: 0 }],
    ["date", { ...helped, max: "", min: "" }],
    ["autodate", { ...base, onCreate: false, onUpdate: false }],
    ["select", { ...helped, maxSelect: 0, values: [] }],
    ["json", { ...helped, maxSize: 0 }],
    ["relation", { ...helped, cascadeDelete: false, collectionId: "", maxSelect: 0, minSelect: 0 }],
    ["file", { ...helped, maxSelect: 0, maxSize: 0, mimeTypes: [], protected: false, thumbs: [] }],
    ["password", { ...helped, cost: 0, max: 0, min: 0, pattern: "" }],
    ["geoPoint", helped],
  ])("%s", (type, options) => {
    const field = withFieldDefaults({ name: "x", type })
    expect(field).toEqual({ id: defaultFieldId(type, "x"), name: "x", type, ...options } as never)
    expect(Object.keys(field)).toEqual(Object.keys(field).sort())
  })

  it("keeps given options, turns null lists into [] and drops keys the type lacks (reference)", () => {
    expect(withFieldDefaults({ name: "ad", type: "autodate", help: "x", required: true, onUpdate: true } as never)).toEqual({
      hidden: false, id: "autodate2011229528", name: "ad", onCreate: false, onUpdate: true, presentable: false, system: false, type: "autodate",
    } as never)
    const email = withFieldDefaults({ name: "e", type: "email", exceptDomains: null, onlyDomains: ["a.com"], id: "custom" })
    expect(email.exceptDomains).toEqual([])
    expect(email.onlyDomains).toEqual(["a.com"])
    expect(email.id).toBe("custom")
  })

  it("does not share default arrays between fields", () => {
    const a = withFieldDefaults({ name: "a", type: "select" })
    a.values!.push("x")
    expect(withFieldDefaults({ name: "b", type: "select" }).values).toEqual([])
  })
})

describe("prepareValue", () => {
  const now = new Date(Date.UTC(2025, 0, 1, 10, 0, 0, 123))
  it("sets autodate fields on create / update", () => {
    const onCreate = makeField("autodate", { onCreate: true })
    const both = makeField("autodate", { onCreate: true, onUpdate: true })
    expect(autodateValue(onCreate, "", { isNew: true, now })).toBe("2025-01-01 10:00:00.123Z")
    expect(autodateValue(onCreate, "2024-01-01 00:00:00.000Z", { isNew: false, now })).toBe("2024-01-01 00:00:00.000Z")
    expect(prepareValue(both, "2024-01-01 00:00:00.000Z", { isNew: false, now })).toBe("2025-01-01 10:00:00.123Z")
  })
  it("autogenerates empty text on create", () => {
    const id = makeField("text", { autogeneratePattern: "[a-z0-9]{15}", primaryKey: true }, "id")
    expect(prepareValue(id, "", { isNew: true, now })).toMatch(/^[a-z0-9]{15}$/)
    expect(prepareValue(id, "given", { isNew: true, now })).toBe("given")
  })
  it("normalizes everything else", () => {
    expect(prepareValue(makeField("number"), "5", { isNew: true, now })).toBe(5)
  })
})
