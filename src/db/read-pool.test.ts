import { afterAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { openDatabase } from "./open.ts"
import { ReadPool } from "./read-pool.ts"

const dir = mkdtempSync(join(tmpdir(), "pocketbun-readpool-"))
const path = join(dir, "data.db")
const writer = openDatabase(path)
writer.run("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT)")
const pool = new ReadPool(path, 2)

afterAll(() => {
  pool.close()
  writer.close()
  rmSync(dir, { recursive: true, force: true })
})

describe("read pool", () => {
  it("sees every write committed before the query, on every thread", async () => {
    for (let i = 0; i < 20; i++) {
      writer.run("INSERT INTO notes (id, body) VALUES (?, ?)", [`n${i}`, `body ${i}`])
      const [a, b] = await Promise.all([
        pool.all("SELECT COUNT(*) AS n FROM notes", {}),
        pool.all("SELECT body FROM notes WHERE id = $id", { $id: `n${i}` }),
      ])
      expect(a).toEqual([{ n: i + 1 }])
      expect(b).toEqual([{ body: `body ${i}` }])
    }
  })

  it("rejects bad SQL and cannot write", async () => {
    expect(pool.all("SELECT nope FROM notes", {})).rejects.toThrow("no such column")
    expect(pool.all("DELETE FROM notes", {})).rejects.toThrow()
    expect(writer.query("SELECT COUNT(*) AS n FROM notes").get()).toEqual({ n: 20 })
  })

  it("refuses queries once closed", async () => {
    const closing = new ReadPool(path, 1)
    expect(await closing.all("SELECT 1 AS one", {})).toEqual([{ one: 1 }])
    closing.close()
    expect(closing.all("SELECT 1 AS one", {})).rejects.toThrow("read pool closed")
  })
})
