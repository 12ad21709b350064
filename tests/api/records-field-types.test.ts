/**
 * Every field type's input normalization and validation codes, through the SDK. Runs against
 * pocketbun and, where installed, the reference PocketBase.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import type { ClientResponseError } from "pocketbase"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { errorBody, failure, fixedId, OPEN_RULES } from "../support/records-fixture.ts"

const T1 = fixedId("target1")
const T2 = fixedId("target2")
const T3 = fixedId("target3")
const T4 = fixedId("target4")

/** The `data` codes of a failed create, keyed by field. */
function codes(error: ClientResponseError): Record<string, string> {
  return Object.fromEntries(Object.entries(errorBody(error).data).map(([k, v]) => [k, (v as { code: string }).code]))
}

for (const target of conformanceTargets()) {
  describe(`records field types (${target.name})`, () => {
    let server: TestServer

    beforeAll(async () => {
      server = await target.start()
      const targets = await server.admin.collections.create({ name: "targets", ...OPEN_RULES, fields: [{ name: "label", type: "text" }] })
      for (const id of [T1, T2, T3, T4]) await server.admin.collection("targets").create({ id, label: id })
      await server.admin.collections.create({
        name: "typed",
        ...OPEN_RULES,
        fields: [
          { name: "short", type: "text", min: 3, max: 5 },
          { name: "slug", type: "text", pattern: "^[a-z]+$" },
          { name: "code", type: "text", autogeneratePattern: "[0-9]{6}" },
          { name: "count", type: "number", min: 1, max: 10, onlyInt: true },
          { name: "ratio", type: "number" },
          { name: "flag", type: "bool" },
          { name: "mail", type: "email", onlyDomains: ["example.com"] },
          { name: "mail2", type: "email", exceptDomains: ["spam.com"] },
          { name: "site", type: "url", onlyDomains: ["example.com"] },
          { name: "site2", type: "url", exceptDomains: ["spam.com"] },
          { name: "notes", type: "editor", maxSize: 30 },
          { name: "when", type: "date", min: "2020-01-01 00:00:00.000Z", max: "2030-01-01 00:00:00.000Z" },
          { name: "created", type: "autodate", onCreate: true, onUpdate: false },
          { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
          { name: "pick", type: "select", values: ["x", "y", "z"], maxSelect: 2 },
          { name: "one", type: "select", values: ["x", "y", "z"], maxSelect: 1 },
          { name: "doc", type: "json", maxSize: 20 },
          { name: "refs", type: "relation", collectionId: targets.id, minSelect: 2, maxSelect: 3 },
          { name: "ref", type: "relation", collectionId: targets.id, maxSelect: 1 },
          { name: "secret", type: "password", min: 8 },
          { name: "place", type: "geoPoint" },
        ],
      })
      await server.admin.collections.create({
        name: "required",
        ...OPEN_RULES,
        fields: [
          { name: "text", type: "text", required: true },
          { name: "number", type: "number", required: true },
          { name: "bool", type: "bool", required: true },
          { name: "email", type: "email", required: true },
          { name: "url", type: "url", required: true },
          { name: "editor", type: "editor", required: true },
          { name: "date", type: "date", required: true },
          { name: "select", type: "select", values: ["a"], maxSelect: 1, required: true },
          { name: "json", type: "json", required: true },
          { name: "relation", type: "relation", collectionId: targets.id, maxSelect: 1, required: true },
          { name: "geo", type: "geoPoint", required: true },
        ],
      })
    }, 30_000)
    afterAll(async () => {
      await server?.stop()
    })

    const typed = () => server.client().collection("typed")
    const createError = async (body: Record<string, unknown>) => {
      const error = await failure(typed().create(body))
      expect(error.status).toBe(400)
      expect(errorBody(error).message).toBe("Failed to create record.")
      return error
    }

    it("reports validation_required for every empty required field", async () => {
      const error = await failure(server.client().collection("required").create({ bool: false, number: 0, json: null, geo: { lon: 0, lat: 0 } }))
      expect(errorBody(error).message).toBe("Failed to create record.")
      const expected = ["bool", "date", "editor", "email", "geo", "json", "number", "relation", "select", "text", "url"]
      expect(Object.keys(errorBody(error).data).sort()).toEqual(expected)
      for (const key of expected) expect(errorBody(error).data[key]).toEqual({ code: "validation_required", message: "Cannot be blank." })
    })

    it("treats an empty json array/object/string as blank for a required json field", async () => {
      for (const json of [[], {}, ""]) {
        const error = await failure(server.client().collection("required").create({ json }))
        expect(errorBody(error).data.json?.code).toBe("validation_required")
      }
    })

    describe("text", () => {
      it("enforces min and max length with params", async () => {
        const short = await createError({ short: "ab" })
        expect(errorBody(short).data.short).toEqual({ code: "validation_min_text_constraint", message: "Must be at least 3 character(s).", params: { min: 3 } })
        const long = await createError({ short: "abcdef" })
        expect(errorBody(long).data.short).toEqual({ code: "validation_max_text_constraint", message: "Must be no more than 5 character(s).", params: { max: 5 } })
        expect((await typed().create({ short: "añb" })).short).toBe("añb")
      })

      it("enforces the pattern", async () => {
        expect(codes(await createError({ slug: "Not OK" }))).toEqual({ slug: "validation_invalid_format" })
        expect((await typed().create({ slug: "fine" })).slug).toBe("fine")
      })

      it("autogenerates from the pattern when empty and keeps a given value", async () => {
        expect((await typed().create({})).code).toMatch(/^[0-9]{6}$/)
        expect((await typed().create({ code: "mine" })).code).toBe("mine")
      })

      it("stringifies numbers and bools sent to a text field", async () => {
        expect((await typed().create({ slug: "a", short: 1234 })).short).toBe("1234")
        expect((await typed().create({ short: true })).short).toBe("true")
      })

      it("rejects an invalid custom id", async () => {
        expect(codes(await createError({ id: "short" }))).toEqual({ id: "validation_min_text_constraint" })
        expect(codes(await createError({ id: "UPPERCASE123456" }))).toEqual({ id: "validation_invalid_format" })
        expect(codes(await createError({ id: "a".repeat(16) }))).toEqual({ id: "validation_max_text_constraint" })
      })
    })

    describe("number", () => {
      it("enforces min, max and onlyInt", async () => {
        expect(errorBody(await createError({ count: 0.5 })).data.count.code).toBe("validation_only_int_constraint")
        const low = await createError({ count: -1 })
        expect(errorBody(low).data.count).toEqual({ code: "validation_min_number_constraint", message: "Must be greater or equal than 1.", params: { min: 1 } })
        const high = await createError({ count: 11 })
        expect(errorBody(high).data.count).toEqual({ code: "validation_max_number_constraint", message: "Must be less or equal than 10.", params: { max: 10 } })
        expect((await typed().create({ count: 10 })).count).toBe(10)
      })

      it("parses numeric strings and bools", async () => {
        expect((await typed().create({ ratio: "-1.25" })).ratio).toBe(-1.25)
        expect((await typed().create({ ratio: true })).ratio).toBe(1)
        expect((await typed().create({ ratio: null })).ratio).toBe(0)
      })
    })

    describe("bool", () => {
      it("parses truthy values", async () => {
        expect((await typed().create({ flag: "true" })).flag).toBe(true)
        expect((await typed().create({ flag: 1 })).flag).toBe(true)
        expect((await typed().create({ flag: "0" })).flag).toBe(false)
        expect((await typed().create({ flag: "nope" })).flag).toBe(false)
      })
    })

    describe("email and url", () => {
      it("validates email syntax and domains", async () => {
        expect(codes(await createError({ mail: "not-an-email" }))).toEqual({ mail: "validation_is_email" })
        expect(codes(await createError({ mail: "a@other.com" }))).toEqual({ mail: "validation_email_domain_not_allowed" })
        expect(codes(await createError({ mail2: "a@spam.com" }))).toEqual({ mail2: "validation_email_domain_not_allowed" })
        const ok = await typed().create({ mail: "a@example.com", mail2: "b@fine.org" })
        expect([ok.mail, ok.mail2]).toEqual(["a@example.com", "b@fine.org"])
      })

      it("validates url syntax and domains", async () => {
        expect(codes(await createError({ site: "not a url" }))).toEqual({ site: "validation_invalid_url" })
        expect(codes(await createError({ site: "https://other.com/x" }))).toEqual({ site: "validation_url_domain_not_allowed" })
        expect(codes(await createError({ site2: "https://spam.com" }))).toEqual({ site2: "validation_url_domain_not_allowed" })
        expect((await typed().create({ site: "https://example.com/a?b=c" })).site).toBe("https://example.com/a?b=c")
      })
    })

    describe("editor", () => {
      it("enforces maxSize", async () => {
        expect(codes(await createError({ notes: "x".repeat(31) }))).toEqual({ notes: "validation_content_size_limit" })
        expect((await typed().create({ notes: "<p>ok</p>" })).notes).toBe("<p>ok</p>")
      })
    })

    describe("date and autodate", () => {
      it("normalizes accepted formats to UTC and drops unparseable input", async () => {
        expect((await typed().create({ when: "2024-05-06" })).when).toBe("2024-05-06 00:00:00.000Z")
        expect((await typed().create({ when: "2024-05-06T10:20:30.123456+02:00" })).when).toBe("2024-05-06 08:20:30.123Z")
        expect((await typed().create({ when: "2024-05-06 10:20:30" })).when).toBe("2024-05-06 10:20:30.000Z")
        expect((await typed().create({ when: "garbage" })).when).toBe("")
      })

      it("enforces min and max", async () => {
        expect(codes(await createError({ when: "2019-12-31 23:59:59.000Z" }))).toEqual({ when: "validation_min_greater_equal_than_required" })
        expect(codes(await createError({ when: "2031-01-01" }))).toEqual({ when: "validation_max_less_equal_than_required" })
      })

      it("ignores client values for autodate fields and refreshes onUpdate only", async () => {
        const before = Date.now()
        const created = await typed().create({ created: "2000-01-01 00:00:00.000Z", updated: "2000-01-01 00:00:00.000Z" })
        expect(created.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/)
        expect(Date.parse(created.created.replace(" ", "T"))).toBeGreaterThanOrEqual(before - 1000)
        expect(created.updated).toBe(created.created)
        await Bun.sleep(5)
        const updated = await typed().update(created.id, { created: "2000-01-01 00:00:00.000Z" })
        expect(updated.created).toBe(created.created)
        expect(updated.updated > created.updated).toBe(true)
      })
    })

    describe("select", () => {
      it("rejects unknown values and too many values", async () => {
        const invalid = await createError({ pick: ["x", "q"] })
        expect(errorBody(invalid).data.pick.code).toBe("validation_invalid_value")
        const many = await createError({ pick: ["x", "y", "z"] })
        expect(errorBody(many).data.pick.code).toBe("validation_too_many_values")
        expect(codes(await createError({ one: "q" }))).toEqual({ one: "validation_invalid_value" })
      })

      it("normalizes lists: duplicates dropped, single keeps the last value", async () => {
        const record = await typed().create({ pick: ["y", "y", "x"], one: ["x", "z"] })
        expect(record.pick).toEqual(["y", "x"])
        expect(record.one).toBe("z")
        expect((await typed().create({ pick: "z" })).pick).toEqual(["z"])
      })
    })

    describe("json", () => {
      it("enforces maxSize", async () => {
        expect(codes(await createError({ doc: { text: "x".repeat(40) } }))).toEqual({ doc: "validation_json_size_limit" })
      })

      it("stores any JSON value and wraps plain strings", async () => {
        expect((await typed().create({ doc: [1, "a"] })).doc).toEqual([1, "a"])
        expect((await typed().create({ doc: "hello" })).doc).toBe("hello")
        expect((await typed().create({ doc: "12" })).doc).toBe(12)
        expect((await typed().create({ doc: true })).doc).toBe(true)
        expect((await typed().create({})).doc).toBeNull()
      })
    })

    describe("relation", () => {
      it("enforces minSelect and maxSelect", async () => {
        expect(codes(await createError({ refs: [T1] }))).toEqual({ refs: "validation_not_enough_values" })
        expect(codes(await createError({ refs: [T1, T2, T3, T4] }))).toEqual({ refs: "validation_too_many_values" })
        expect((await typed().create({ refs: [T2, T1] })).refs).toEqual([T2, T1])
      })

      it("reports missing related records", async () => {
        expect(codes(await createError({ ref: fixedId("ghost") }))).toEqual({ ref: "validation_missing_rel_records" })
        expect(codes(await createError({ refs: [T1, fixedId("ghost")] }))).toEqual({ refs: "validation_missing_rel_records" })
      })
    })

    describe("password", () => {
      it("enforces min length and renders a base collection's password as an empty string", async () => {
        expect(codes(await createError({ secret: "short" }))).toEqual({ secret: "validation_min_text_constraint" })
        const record = await typed().create({ secret: "long-enough-secret" })
        expect(record.secret).toBe("")
        expect((await typed().getOne(record.id)).secret).toBe("")
        expect((await server.admin.collection("typed").getOne(record.id)).secret).toBe("")
      })
    })

    describe("geoPoint", () => {
      it("stores lon/lat and validates their ranges", async () => {
        expect((await typed().create({ place: { lon: 12.5, lat: -45 } })).place).toEqual({ lon: 12.5, lat: -45 })
        expect((await typed().create({})).place).toEqual({ lon: 0, lat: 0 })
        expect(codes(await createError({ place: { lon: 0, lat: 91 } }))).toEqual({ place: "validation_invalid_latitude" })
        expect(codes(await createError({ place: { lon: 181, lat: 0 } }))).toEqual({ place: "validation_invalid_longitude" })
      })
    })

    it("reports every invalid field at once", async () => {
      const error = await createError({ short: "a", count: 100, mail: "x", pick: ["q"], refs: [T1] })
      expect(codes(error)).toEqual({
        short: "validation_min_text_constraint",
        count: "validation_max_number_constraint",
        mail: "validation_is_email",
        pick: "validation_invalid_value",
        refs: "validation_not_enough_values",
      })
    })

    it("validates updates the same way", async () => {
      const record = await typed().create({ short: "abc" })
      const error = await failure(typed().update(record.id, { short: "toolong", count: 0.5 }))
      expect(errorBody(error).message).toBe("Failed to update record.")
      expect(codes(error)).toEqual({ short: "validation_max_text_constraint", count: "validation_only_int_constraint" })
    })
  })
}
