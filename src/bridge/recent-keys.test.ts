/** The bounded set of recent keys behind duplicate dropping. */
import { describe, expect, it } from "bun:test"
import { RecentKeys } from "./recent-keys.ts"

describe("RecentKeys", () => {
  it("reports repeats and forgets the oldest past its capacity", () => {
    const keys = new RecentKeys(2)
    expect([keys.add("a"), keys.add("a"), keys.add("b"), keys.add("c"), keys.add("a"), keys.add("c")]).toEqual([true, false, true, true, true, false])
  })
})
