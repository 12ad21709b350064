import { afterEach } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DiskStorage } from "./disk-storage.ts"
import { MemoryStorage } from "./storage.ts"
import { storageContract } from "./storage-contract.ts"

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

storageContract("disk", () => {
  const root = mkdtempSync(join(tmpdir(), "pocketbun-storage-"))
  roots.push(root)
  return new DiskStorage(root)
})
storageContract("memory", () => new MemoryStorage())
