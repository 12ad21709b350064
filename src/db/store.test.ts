import { describe, expect, it } from "bun:test"
import { openDatabase } from "./open.ts"
import { Store, type RecordChange } from "./store.ts"

const collection = { id: "c", name: "notes" } as never

function store(): Store {
  const s = new Store(openDatabase(":memory:"))
  s.exec("CREATE TABLE notes (id TEXT PRIMARY KEY)")
  return s
}

describe("store", () => {
  it("reports changes only after the outermost commit, and none for rolled-back work", () => {
    const s = store()
    const seen: RecordChange[] = []
    s.onChange((c) => void seen.push(c))
    s.transaction(() => {
      s.run("INSERT INTO notes VALUES ('a')")
      s.recordChanged({ action: "create", collection, record: { id: "a" } })
      expect(seen).toHaveLength(0)
      expect(() => s.transaction(() => {
        s.recordChanged({ action: "create", collection, record: { id: "b" } })
        throw new Error("inner fails")
      })).toThrow("inner fails")
    })
    expect(seen.map((c) => c.record.id)).toEqual(["a"])
    expect(seen[0]!.seq).toBeGreaterThan(0)
  })

  it("keeps working after a COMMIT fails", () => {
    const s = store()
    s.exec("PRAGMA foreign_keys = ON")
    s.exec("CREATE TABLE parents (id TEXT PRIMARY KEY)")
    s.exec("CREATE TABLE kids (id TEXT, parent TEXT REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED)")
    expect(() => s.transaction(() => s.run("INSERT INTO kids VALUES ('k', 'missing')"))).toThrow()
    expect(s.inTransaction).toBe(false)
    s.transaction(() => s.run("INSERT INTO notes VALUES ('after')"))
    expect(s.get("SELECT COUNT(*) AS n FROM notes")).toEqual({ n: 1 })
    expect(s.get("SELECT COUNT(*) AS n FROM kids")).toEqual({ n: 0 })
  })

  it("bounds its statement cache", () => {
    const s = store()
    for (let i = 0; i < 2000; i++) s.get(`SELECT ${i} AS n`)
    expect(s.cachedStatements).toBeLessThanOrEqual(500)
    expect(s.get("SELECT 1999 AS n")).toEqual({ n: 1999 })
    expect(s.get("SELECT 0 AS n")).toEqual({ n: 0 })
  })
})
