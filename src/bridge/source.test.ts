/** The reconnect backoff: doubling, capped, with jitter in the upper half. */
import { describe, expect, it } from "bun:test"
import { backoffDelay } from "./source.ts"

describe("backoffDelay", () => {
  it("doubles from the base, stays under the cap, and jitters between half and all of it", () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, 100, 1000, () => 1))).toEqual([100, 200, 400, 800])
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000)
    expect(backoffDelay(10, 100, 1000, () => 0)).toBe(500)
    expect(backoffDelay(3, 100, 1000, () => 0.5)).toBe(600)
    expect(backoffDelay(5000, 100, 1000, () => 1)).toBe(1000)
  })
})
