/**
 * Field validation: codes, messages and params. Expected errors were copied from the reference
 * server's responses (PocketBase v0.40.6, `POST /records` with the same field options).
 */
import { describe, expect, it } from "bun:test"
import type { FieldError } from "../../core/errors.ts"
import type { Field, FieldType } from "../../core/types.ts"
import { normalize, validateField } from "./registry.ts"
import { makeField } from "./test-fields.ts"
import { checkUpload, invalidFileNames } from "./file.ts"
import { PasswordValue } from "./password.ts"

type Row = [name: string, input: unknown, error: FieldError | null]

const required: FieldError = { code: "validation_required", message: "Cannot be blank." }
const format: FieldError = { code: "validation_invalid_format", message: "Invalid value format." }

function table(type: FieldType, options: Partial<Field>, rows: Row[], ctx = { isNew: true }) {
  const field = makeField(type, options)
  describe(`${type} ${JSON.stringify(options)}`, () => {
    it.each(rows)("%s", (_name, input, error) => expect(validateField(field, normalize(field, input), ctx)).toEqual(error))
  })
}

table("text", { min: 3, max: 5, pattern: "^[a-z]+$" }, [
  ["valid", "abc", null],
  ["empty and optional", "", null],
  ["too short", "ab", { code: "validation_min_text_constraint", message: "Must be at least 3 character(s).", params: { min: 3 } }],
  ["too long", "abcdef", { code: "validation_max_text_constraint", message: "Must be no more than 5 character(s).", params: { max: 5 } }],
  ["pattern mismatch", "AbC", format],
  ["counts runes for length, pattern still applies", "ééé", format],
])
table("text", { min: 3, max: 3 }, [
  ["three emoji are three characters", "😀😀😀", null],
  ["combining marks count separately", "ab\u0301", null],
])
table("text", { required: true }, [
  ["blank", "", required],
  ["spaces are not blank", "   ", null],
])
table("text", {}, [
  ["max 0 means 5000", "a".repeat(5001), { code: "validation_max_text_constraint", message: "Must be no more than 5000 character(s).", params: { max: 5000 } }],
  ["5000 is fine", "a".repeat(5000), null],
])

describe("record id", () => {
  const id = makeField("text", { name: "id", system: true, primaryKey: true, required: true, min: 15, max: 15, pattern: "^[a-z0-9]+$", autogeneratePattern: "[a-z0-9]{15}" }, "id")
  it.each<Row>([
    ["valid", "abcdefghijklmno", null],
    ["short", "abc", { code: "validation_min_text_constraint", message: "Must be at least 15 character(s).", params: { min: 15 } }],
    ["long", "abcdefghijklmnop", { code: "validation_max_text_constraint", message: "Must be no more than 15 character(s).", params: { max: 15 } }],
    ["upper case", "ABCDEFGHIJKLMNO", format],
    ["underscore", "abcdefghijklmn_", format],
  ])("%s", (_n, input, error) => expect(validateField(id, input, { isNew: true })).toEqual(error))
  it("cannot change on update", () => {
    expect(validateField(id, "abcdefghijklmno", { isNew: false, original: "zzzzzzzzzzzzzzz" })).toEqual({
      code: "validation_pk_change",
      message: "The record primary key cannot be changed.",
    })
    expect(validateField(id, "abcdefghijklmno", { isNew: false, original: "abcdefghijklmno" })).toBeNull()
  })
})

table("number", { min: 1, max: 10, onlyInt: true }, [
  ["valid", 5, null],
  ["zero is empty when optional", 0, null],
  ["decimal (reported before min)", 0.5, { code: "validation_only_int_constraint", message: "Decimal numbers are not allowed." }],
  ["below min", -3, { code: "validation_min_number_constraint", message: "Must be greater or equal than 1.", params: { min: 1 } }],
  ["above max", 11, { code: "validation_max_number_constraint", message: "Must be less or equal than 10.", params: { max: 10 } }],
])
table("number", {}, [
  ["NaN", "NaN", { code: "validation_not_a_number", message: "The submitted number is not properly formatted." }],
  ["Infinity", "Infinity", { code: "validation_not_a_number", message: "The submitted number is not properly formatted." }],
  ["decimal allowed", 2.5, null],
])
table("number", { required: true }, [["zero", 0, required], ["non-zero", -1, null]])
table("bool", { required: true }, [["false", false, required], ["true", true, null]])

table("email", { onlyDomains: ["a.com"] }, [
  ["allowed", "x@a.com", null],
  ["other domain", "x@c.com", { code: "validation_email_domain_not_allowed", message: "Email domain is not allowed." }],
  ["domains compare case-sensitively", "x@A.COM", { code: "validation_email_domain_not_allowed", message: "Email domain is not allowed." }],
  ["empty", "", null],
])
table("email", { exceptDomains: ["b.com"] }, [
  ["excepted", "x@b.com", { code: "validation_email_domain_not_allowed", message: "Email domain is not allowed." }],
  ["other", "x@c.com", null],
])
const badEmail: FieldError = { code: "validation_is_email", message: "Must be a valid email address." }
table("email", {}, [
  ...(["a.b@c.d", "a+b@c.co", "a@b.c", "a@b_c.com", "ü@b.com", "a@ü.com", "a@b.com.", "A@B.co"].map((e) => [`valid ${e}`, e, null]) as Row[]),
  ...(["bad", "a@b", "a b@c.com", "a@-b.com", "a..b@c.com", ".a@b.com", "a@1.2", "a@localhost"].map((e) => [`invalid ${e}`, e, badEmail]) as Row[]),
])
table("email", { required: true }, [["blank", "", required]])

const badUrl: FieldError = { code: "validation_invalid_url", message: "Must be a valid url." }
table("url", {}, [
  ...(["http://x", "ftp://x.com", "https://a.b/c?d#e", "https://localhost", "mailto:a@b.c", "x.com", "http://x.com:99999", "http://1.2.3.4", "http://x_y.com", "https://例え.jp"].map((u) => [`valid ${u}`, u, null]) as Row[]),
  ...(["bad", "http://", "//x.com", "http://a b.com", "HTTP://X.COM", "javascript:alert(1)", "http://x.com/ a"].map((u) => [`invalid ${u}`, u, badUrl]) as Row[]),
])
table("url", { onlyDomains: ["a.com"] }, [
  ["allowed", "http://a.com/x", null],
  ["other", "http://c.com", { code: "validation_url_domain_not_allowed", message: "Url domain is not allowed." }],
  ["case-sensitive", "http://A.COM", { code: "validation_url_domain_not_allowed", message: "Url domain is not allowed." }],
])
table("url", { exceptDomains: ["b.com"] }, [
  ["excepted", "http://b.com/x", { code: "validation_url_domain_not_allowed", message: "Url domain is not allowed." }],
])

table("editor", { maxSize: 10 }, [
  ["fits", "1234567890", null],
  ["too big", "12345678901", { code: "validation_content_size_limit", message: "The maximum allowed content size is 10 bytes.", params: { maxSize: 10 } }],
  ["counts bytes", "ééééé é", { code: "validation_content_size_limit", message: "The maximum allowed content size is 10 bytes.", params: { maxSize: 10 } }],
])
table("editor", {}, [["maxSize 0 means 5 MiB", "a".repeat(6000), null]])

table("date", { min: "2024-01-01 00:00:00.000Z", max: "2024-12-31 00:00:00.000Z" }, [
  ["inside", "2024-06-01", null],
  ["before min", "2023-01-01", { code: "validation_min_greater_equal_than_required", message: "Must be no less than 2024-01-01 00:00:00 +0000 UTC.", params: { threshold: "2024-01-01T00:00:00Z" } }],
  ["after max", "2025-01-01", { code: "validation_max_less_equal_than_required", message: "Must be no greater than 2024-12-31 00:00:00 +0000 UTC.", params: { threshold: "2024-12-31T00:00:00Z" } }],
  ["empty", "", null],
])
table("date", { required: true }, [["blank", "", required], ["unparseable is blank", "nope", required]])
table("autodate", {}, [["never fails", "x", null]])

table("select", { values: ["a", "b", "c"] }, [
  ["valid", "a", null],
  ["unknown", "x", { code: "validation_invalid_value", message: "Invalid value x.", params: { value: "x" } }],
  ["unparseable list", "[bad", { code: "validation_invalid_value", message: "Invalid value [bad.", params: { value: "[bad" } }],
  ["number", 1, { code: "validation_invalid_value", message: "Invalid value 1.", params: { value: "1" } }],
  ["empty", "", null],
])
table("select", { values: ["a", "b", "c"], maxSelect: 2 }, [
  ["two", ["a", "b"], null],
  ["too many", ["a", "b", "c"], { code: "validation_too_many_values", message: "Select no more than 2.", params: { maxSelect: 2 } }],
  ["too many is reported before unknown values", ["a", "x", "y"], { code: "validation_too_many_values", message: "Select no more than 2.", params: { maxSelect: 2 } }],
  ["unknown", [1, true], { code: "validation_invalid_value", message: "Invalid value 1.", params: { value: "1" } }],
])
table("select", { values: ["a"], required: true }, [["blank", "", required]])

table("relation", { collectionId: "c", minSelect: 2, maxSelect: 3 }, [
  ["enough", ["a", "b"], null],
  ["not enough", ["a"], { code: "validation_not_enough_values", message: "Select at least 2.", params: { minSelect: 2 } }],
  ["too many", ["a", "b", "c", "d"], { code: "validation_too_many_values", message: "Select no more than 3.", params: { maxSelect: 3 } }],
  ["empty and optional", [], null],
])
table("relation", { collectionId: "c", required: true }, [["blank", "", required]])

table("json", { maxSize: 10 }, [
  ["fits", { a: 1 }, null],
  ["object too big", { a: "12345" }, { code: "validation_json_size_limit", message: "The maximum allowed JSON size is 10 bytes.", params: { maxSize: 10 } }],
  ["raw number too big", "12345678901", { code: "validation_json_size_limit", message: "The maximum allowed JSON size is 10 bytes.", params: { maxSize: 10 } }],
  ["unparseable text is stored as a string", "bad", null],
])
table("json", { required: true }, [
  ["null", null, required], ["empty string", "", required], ["[]", "[]", required], ["{}", {}, required],
  ["JSON empty string", '""', required], ["\"null\"", "null", required], ["false", false, null], ["0", 0, null],
])
it("json: values that cannot be encoded are invalid", () => {
  const field = makeField("json")
  expect(validateField(field, NaN, { isNew: true })).toEqual({ code: "validation_invalid_json", message: "Must be a valid json value." })
})

table("geoPoint", {}, [
  ["valid", { lon: 180, lat: -90 }, null],
  ["longitude", { lon: 200, lat: 0 }, { code: "validation_invalid_longitude", message: "Longitude must be between -180 and 180 degrees." }],
  ["latitude", { lon: 0, lat: -91 }, { code: "validation_invalid_latitude", message: "Latitude must be between -90 and 90 degrees." }],
  ["latitude first", { lon: 200, lat: 100 }, { code: "validation_invalid_latitude", message: "Latitude must be between -90 and 90 degrees." }],
])
table("geoPoint", { required: true }, [["0,0", { lon: 0, lat: 0 }, required], ["lon only", { lon: 1, lat: 0 }, null]])

table("password", { min: 3, max: 6, pattern: "^[0-9]+$" }, [
  ["valid", "1234", null],
  ["short (no params)", "12", { code: "validation_min_text_constraint", message: "Must be at least 3 character(s)." }],
  ["long (own wording, no params)", "1234567", { code: "validation_max_text_constraint", message: "Must be less than 6 character(s)." }],
  ["pattern", "abc", format],
  ["empty and optional", "", null],
])
table("password", { required: true }, [["blank", "", required]])
it("password: an unchanged stored hash skips the plain-text checks", () => {
  const field = makeField("password", { min: 3, required: true })
  expect(validateField(field, new PasswordValue("", "$2a$10$hash"), { isNew: false })).toBeNull()
})
table("password", {}, [["max 0 means 71", "a".repeat(72), { code: "validation_max_text_constraint", message: "Must be less than 71 character(s)." }]])

table("file", { maxSelect: 2 }, [
  ["two", ["a.txt", "b.txt"], null],
  ["too many", ["a", "b", "c"], { code: "validation_too_many_files", message: "The maximum allowed files is 2.", params: { maxSelect: 2 } }],
])
table("file", { required: true }, [["blank", [], required]])

describe("file uploads", () => {
  const field = makeField("file", { maxSelect: 2, maxSize: 10, mimeTypes: ["text/plain"] })
  it("rejects big files", () => {
    expect(checkUpload(field, { originalName: "a.txt", storedName: "a_x.txt", size: 11, mimeType: "text/plain" })).toEqual({
      code: "validation_file_size_limit",
      message: "Failed to upload a.txt - the maximum allowed file size is 10 bytes.",
      params: { file: "a.txt", maxSize: 10 },
    })
  })
  it("rejects other mime types", () => {
    expect(checkUpload(field, { originalName: "x.png", storedName: "x_abc.png", size: 8, mimeType: "image/png" })).toEqual({
      code: "validation_invalid_mime_type",
      message: '"x_abc.png" mime type must be one of: text/plain.',
    })
  })
  it("accepts a fitting upload", () => {
    expect(checkUpload(field, { originalName: "a.txt", storedName: "a_x.txt", size: 2, mimeType: "text/plain" })).toBeNull()
  })
  it("lists names that are neither stored nor uploaded", () => {
    expect(invalidFileNames(["old.txt", "new.txt", "bogus.txt"], ["old.txt"], ["new.txt"])).toEqual(["bogus.txt"])
  })
})
