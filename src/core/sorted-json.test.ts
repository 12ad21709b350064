import { describe, expect, it } from "bun:test"
import { jsonWithSortedKeys } from "./sorted-json.ts"

describe("jsonWithSortedKeys", () => {
  it("writes object keys in byte order at every depth, integer-like keys as strings", () => {
    expect(jsonWithSortedKeys({ title: 1, count: { b: [{ z: 1, a: 2 }], a: null }, "10": true, "2": false })).toBe(
      '{"10":true,"2":false,"count":{"a":null,"b":[{"a":2,"z":1}]},"title":1}',
    )
  })

  it("matches JSON.stringify for scalars, undefined members and toJSON values", () => {
    const values = ["a\"<&>\u2028", 1.5, -0, 1e21, true, null, [undefined, 1], { skip: undefined, keep: 1 }, new Date(0)]
    for (const value of values) expect(jsonWithSortedKeys(value)).toBe(JSON.stringify(value))
  })
})
