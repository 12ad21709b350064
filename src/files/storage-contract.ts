/**
 * @module
 * The behaviour every storage backend shares, as a test suite to run against each (disk and
 * memory in unit tests, S3 against a real S3-compatible server in tests/files/).
 */
import { describe, expect, it } from "bun:test"
import { thumbKey, UnsafeKeyError, type FileStorage } from "./storage.ts"

/** Registers the storage contract tests for the backend `make` builds. */
export function storageContract(name: string, make: () => FileStorage): void {
  describe(`file storage (${name})`, () => {
    it("writes, opens, slices and removes one file", async () => {
      const storage = make()
      await storage.write("c/r/a.txt", new TextEncoder().encode("abcdef"))
      const file = await storage.open("c/r/a.txt")
      expect(file?.size).toBe(6)
      expect(new TextDecoder().decode(await file!.bytes(1, 4))).toBe("bcd")
      expect(await new Response(file!.body(2, 5)).text()).toBe("cde")
      await storage.remove("c/r/a.txt")
      await storage.remove("c/r/a.txt")
      expect(await storage.open("c/r/a.txt")).toBeNull()
    })
    it("writes Blobs and lists a folder, thumbs included", async () => {
      const storage = make()
      await storage.write("c/r/a.png", new Blob(["x"]))
      await storage.write(thumbKey("c/r/a.png", "10x10"), new Blob(["y"]))
      expect(await storage.list("c/r")).toEqual(["c/r/a.png", "c/r/thumbs_a.png/10x10_a.png"])
      expect(await storage.list("c/none")).toEqual([])
      await storage.write("top.zip", new Blob(["z"]))
      expect(await storage.list("")).toEqual(["c/r/a.png", "c/r/thumbs_a.png/10x10_a.png", "top.zip"])
    })
    it("removes a record's folder without touching its neighbours", async () => {
      const storage = make()
      await storage.write("c/r1/a.txt", new Uint8Array([1]))
      await storage.write("c/r10/b.txt", new Uint8Array([2]))
      await storage.removeDir("c/r1")
      expect(await storage.open("c/r1/a.txt")).toBeNull()
      expect(await storage.open("c/r10/b.txt")).not.toBeNull()
    })
    it("refuses keys that could leave the storage root", async () => {
      const storage = make()
      await expect(storage.write("c/../../etc/x", new Uint8Array())).rejects.toThrow(UnsafeKeyError)
      await expect(storage.open("c/r/..")).rejects.toThrow(UnsafeKeyError)
    })
  })
}

