import { afterEach, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DiskStorage, MemoryStorage, UnsafeKeyError, type FileStorage } from "./storage.ts"

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

const backends: Array<[string, () => FileStorage]> = [
  ["disk", () => {
    const root = mkdtempSync(join(tmpdir(), "pocketbun-storage-"))
    roots.push(root)
    return new DiskStorage(root)
  }],
  ["memory", () => new MemoryStorage()],
]

for (const [name, make] of backends) {
  describe(`file storage (${name})`, () => {
    it("writes, opens and removes one file", async () => {
      const storage = make()
      storage.write("c/r/a.txt", new TextEncoder().encode("abc"))
      const file = storage.open("c/r/a.txt")
      expect(file?.size).toBe(3)
      expect(await file!.body.text()).toBe("abc")
      storage.remove("c/r/a.txt")
      storage.remove("c/r/a.txt")
      expect(storage.open("c/r/a.txt")).toBeNull()
    })
    it("removes a record's folder without touching its neighbours", () => {
      const storage = make()
      storage.write("c/r1/a.txt", new Uint8Array([1]))
      storage.write("c/r10/b.txt", new Uint8Array([2]))
      storage.removeDir("c/r1")
      expect(storage.open("c/r1/a.txt")).toBeNull()
      expect(storage.open("c/r10/b.txt")).not.toBeNull()
    })
    it("refuses keys that could leave the storage root", () => {
      const storage = make()
      expect(() => storage.write("c/../../etc/x", new Uint8Array())).toThrow(UnsafeKeyError)
      expect(() => storage.open("c/r/..")).toThrow(UnsafeKeyError)
    })
  })
}
