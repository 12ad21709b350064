import { describe, expect, it } from "bun:test"
import sharp from "sharp"
import { MemoryStorage, thumbKey, type FileContent } from "./storage.ts"
import { ThumbCache } from "./thumb-cache.ts"

class CountingStorage extends MemoryStorage {
  writes: string[] = []
  override async write(key: string, content: FileContent): Promise<void> {
    this.writes.push(key)
    await super.write(key, content)
  }
}

const png = () => sharp({ create: { width: 64, height: 48, channels: 3, background: "#336699" } }).png().toBuffer()

describe("thumb cache", () => {
  it("generates one thumb for many concurrent requests and serves it from storage afterwards", async () => {
    const storage = new CountingStorage()
    await storage.write("c/r/a.png", await png())
    const cache = new ThumbCache({ maxInputPixels: 1_000_000 })
    const thumbs = await Promise.all(Array.from({ length: 10 }, () => cache.get(storage, "c/r/a.png", "16x16")))
    expect(thumbs.every((t) => t !== null)).toBe(true)
    await cache.get(storage, "c/r/a.png", "16x16")
    expect(storage.writes.filter((k) => k === thumbKey("c/r/a.png", "16x16"))).toHaveLength(1)
  })
  it("answers null (serve the original) for non-images, missing files and unknown sizes", async () => {
    const storage = new CountingStorage()
    await storage.write("c/r/t.txt", new TextEncoder().encode("text"))
    await storage.write("c/r/a.png", await png())
    const errors: string[] = []
    const cache = new ThumbCache({ maxInputPixels: 1_000_000 }, (_error, key) => errors.push(key))
    expect(await cache.get(storage, "c/r/t.txt", "16x16")).toBeNull()
    expect(await cache.get(storage, "c/r/none.png", "16x16")).toBeNull()
    expect(await cache.get(storage, "c/r/a.png", "0x0")).toBeNull()
    expect(await cache.get(storage, "c/r/a.png", "../../x")).toBeNull()
    expect(storage.writes).toEqual(["c/r/t.txt", "c/r/a.png"])
    expect(errors).toEqual([])
  })
})
