import { describe, expect, it } from "bun:test"
import { LruCache } from "./lru-cache.ts"

describe("lru cache", () => {
  it("keeps at least the last half of its cap, with the latest value of each key, and forgets older ones", () => {
    const cache = new LruCache<string, number>(6)
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i)
    cache.set("k8", 80)
    expect([cache.get("k7"), cache.get("k8"), cache.get("k9")]).toEqual([7, 80, 9])
    expect(cache.get("k0")).toBeUndefined()
  })

  it("hands every dropped value to onDrop once, never one still held", () => {
    const dropped: number[] = []
    const cache = new LruCache<string, number>(4, (value) => dropped.push(value))
    cache.set("a", 1)
    cache.set("b", 2) // the newer generation is full: a, b become the older one
    cache.get("a") // a moves to the newer generation
    cache.set("c", 3) // full again: b is dropped, a and c stay
    expect(dropped).toEqual([2])
    expect([cache.get("a"), cache.get("c"), cache.get("b")]).toEqual([1, 3, undefined])
    cache.clear()
    expect(dropped.sort()).toEqual([1, 2, 3])
    expect(cache.size).toBe(0)
  })
})
