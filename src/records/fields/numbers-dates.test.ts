import { describe, expect, it } from "bun:test"
import { formatDate, goRFC3339, goTimeString, normalizeDate, parseDate } from "./dates.ts"
import { formatFloat, parseFloatStrict } from "../../core/numbers.ts"

describe("formatFloat", () => {
  // Go's strconv.FormatFloat(f, 'f', -1, 64); text-field outputs checked on the reference server
  it.each([
    [12, "12"], [12.5, "12.5"], [0.1, "0.1"], [-1.5, "-1.5"], [1e21, "1000000000000000000000"],
    [1e-7, "0.0000001"], [1.5e-10, "0.00000000015"], [123456789.123456789, "123456789.12345679"],
    [1e23, "100000000000000000000000"], [-2.5e25, "-25000000000000000000000000"], [-0, "-0"], [100000000, "100000000"],
  ])("formats %p as %p", (n, text) => expect(formatFloat(n)).toBe(text))
})

describe("parseFloatStrict", () => {
  it.each([
    ["1e3", 1000], ["+5", 5], [".5", 0.5], ["5.", 5], ["-1.5", -1.5], ["Inf", Infinity], ["-infinity", -Infinity],
    [" 5", null], ["5 ", null], ["0x10", null], [".", null], ["e5", null], ["1_000", null], ["", null], ["abc", null],
  ])("parses %p as %p", (text, n) => expect(parseFloatStrict(text)).toBe(n))
  it("parses NaN", () => expect(parseFloatStrict("NaN")).toBeNaN())
})

describe("dates", () => {
  it("formats UTC with milliseconds and a space separator", () => {
    expect(formatDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe("2024-01-02 03:04:05.006Z")
  })

  // every row checked on the reference server (POST a date field, read it back)
  it.each([
    ["2024-01-02", "2024-01-02 00:00:00.000Z"],
    ["2024-01-02 10:11:12", "2024-01-02 10:11:12.000Z"],
    ["2024-01-02 10:11:12Z", "2024-01-02 10:11:12.000Z"],
    ["2024-01-02 10:11:12.123", "2024-01-02 10:11:12.123Z"],
    ["2024-01-02T10:11:12Z", "2024-01-02 10:11:12.000Z"],
    ["2024-01-02T10:11:12", "2024-01-02 10:11:12.000Z"],
    ["2024-01-02T10:11:12.123456+02:00", "2024-01-02 08:11:12.123Z"],
    ["2024-01-02T10:11:12-00:30", "2024-01-02 10:41:12.000Z"],
    ["2024-01-02 10:11:12+02:00", "2024-01-02 08:11:12.000Z"],
    ["2024-01-02 10:11:12 +0200", "2024-01-02 08:11:12.000Z"],
    ["2024-01-02T10:11:12+0200", "2024-01-02 08:11:12.000Z"],
    ["2024-01-02 10:11:12.5Z", "2024-01-02 10:11:12.500Z"],
    ["2024-01-02 10:11:12.999999Z", "2024-01-02 10:11:12.999Z"],
    ["2024-01-02T10:11:12,5Z", "2024-01-02 10:11:12.500Z"],
    ["2024-01-02 10:11:12.123 +0000 UTC", "2024-01-02 10:11:12.123Z"],
    ["2024-01-02 1:11:12Z", "2024-01-02 01:11:12.000Z"],
    ["2024-02-29", "2024-02-29 00:00:00.000Z"],
    ["9999-12-31 23:59:59.999Z", "9999-12-31 23:59:59.999Z"],
    ["2024-01-02T10:11", ""],
    ["2024-1-2", ""],
    ["garbage", ""],
    ["2024-01-02t10:11:12Z", ""],
    ["2024-01-02T10:11:12z", ""],
    ["  2024-01-02 ", ""],
    ["2023-02-29", ""],
    ["2024-01-02T24:00:00Z", ""],
    ["2024-01-02 10:11:60Z", ""],
    ["2024-01-02 10:11:12 UTC", ""],
    ["0001-01-01 00:00:00.000Z", ""],
    ["1700000000", ""],
  ])("normalizes %p to %p", (input, output) => expect(normalizeDate(input)).toBe(output))

  it("normalizes non-strings", () => {
    expect(normalizeDate(1700000000)).toBe("") // checked on the reference server
    expect(normalizeDate(null)).toBe("")
    expect(normalizeDate(new Date(Date.UTC(2020, 5, 1)))).toBe("2020-06-01 00:00:00.000Z")
    expect(normalizeDate(new Date(NaN))).toBe("")
  })

  it("renders Go time strings for limit messages", () => {
    const d = parseDate("2024-01-01 00:00:00.000Z")!
    expect(goTimeString(d)).toBe("2024-01-01 00:00:00 +0000 UTC")
    expect(goRFC3339(d)).toBe("2024-01-01T00:00:00Z")
    const ms = parseDate("2024-01-01 10:00:00.500Z")!
    expect(goTimeString(ms)).toBe("2024-01-01 10:00:00.5 +0000 UTC")
    expect(goRFC3339(ms)).toBe("2024-01-01T10:00:00.5Z")
  })
})
