import { describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BUSY_TIMEOUT_MS, openDatabase } from "./open.ts"
import { Store } from "./store.ts"

function store(): Store {
  const s = new Store(openDatabase(":memory:"))
  s.exec("CREATE TABLE notes (id TEXT PRIMARY KEY)")
  return s
}

describe("store", () => {
  it("runs commit callbacks only after the outermost commit, and rollback callbacks for undone work", () => {
    const s = store()
    const seen: string[] = []
    s.transaction(() => {
      s.run("INSERT INTO notes VALUES ('a')")
      s.afterCommit(() => void seen.push("commit a"))
      s.afterRollback(() => void seen.push("rollback a"))
      expect(seen).toHaveLength(0)
      expect(() => s.transaction(() => {
        s.afterCommit(() => void seen.push("commit b"))
        s.afterRollback((error) => void seen.push(`rollback b: ${(error as Error).message}`))
        throw new Error("inner fails")
      })).toThrow("inner fails")
      expect(seen).toEqual(["rollback b: inner fails"])
    })
    expect(seen).toEqual(["rollback b: inner fails", "commit a"])
  })

  it("nests async transactions as savepoints: a failing one is undone alone, callbacks wait for the outer commit", async () => {
    const s = store()
    const seen: string[] = []
    const notes = () => s.all<{ id: string }>("SELECT id FROM notes ORDER BY id").map((row) => row.id)
    await s.transactionAsync(async () => {
      await s.transactionAsync(async () => {
        s.run("INSERT INTO notes VALUES ('kept')")
        s.afterCommit(() => void seen.push("commit kept"))
        await Bun.sleep(1)
      })
      const undone = s.transactionAsync(async () => {
        s.run("INSERT INTO notes VALUES ('undone')")
        s.afterCommit(() => void seen.push("commit undone"))
        s.afterRollback(() => void seen.push("rollback undone"))
        await Bun.sleep(1)
        throw new Error("fails")
      })
      await expect(undone).rejects.toThrow("fails")
      expect(seen).toEqual(["rollback undone"])
      expect(notes()).toEqual(["kept"])
    })
    expect(seen).toEqual(["rollback undone", "commit kept"])
    expect(notes()).toEqual(["kept"])
  })

  it("numbers changes in commit order inside transactions only", () => {
    const s = store()
    expect(() => s.nextChangeSequence()).toThrow()
    const first = s.transaction(() => s.nextChangeSequence())
    expect(() => s.transaction(() => {
      s.nextChangeSequence()
      throw new Error("undone")
    })).toThrow("undone")
    expect(s.transaction(() => s.nextChangeSequence())).toBe(first + 1)
  })

  it("gives back the numbers an undone savepoint took, in group, nested and async transactions alike", async () => {
    const s = store()
    const start = s.transaction(() => s.nextChangeSequence())
    const undone = (work: () => void) => expect(() => s.transaction(() => (work(), s.nextChangeSequence(), (() => { throw new Error("undone") })()))).toThrow("undone")
    const grouped = await Promise.all([
      s.grouped(() => s.transaction(() => s.nextChangeSequence())),
      s.grouped(() => undone(() => s.nextChangeSequence())),
      s.grouped(() => s.transaction(() => s.nextChangeSequence())),
    ])
    expect(grouped).toEqual([start + 1, undefined, start + 2])
    const nested = await s.transactionAsync(async () => {
      const outer = s.nextChangeSequence()
      await expect(s.transactionAsync(async () => {
        s.nextChangeSequence()
        throw new Error("inner")
      })).rejects.toThrow("inner")
      return [outer, s.nextChangeSequence()]
    })
    expect(nested).toEqual([start + 3, start + 4])
    // What was counted in memory is what the database holds once committed.
    expect(s.latestChangeSequence()).toBe(start + 4)
    expect(s.get<{ value: number }>("SELECT value FROM _change_sequence WHERE id = 1")!.value).toBe(start + 4)
  })

  it("logs numbered changes and prunes only what is both old and beyond the count", async () => {
    const s = store()
    const floor = s.changeLogFloor()
    const log = (entry: string) => s.transaction(() => {
      const seq = s.nextChangeSequence()
      s.logChange(seq, entry)
      return seq
    })
    const seqs = ["a", "b", "c", "d"].map(log)
    expect(s.changesAfter(seqs[0]!, 10).map((r) => r.entry)).toEqual(["b", "c", "d"])
    expect(s.latestChangeSequence()).toBe(seqs[3]!)
    // Young rows stay whatever the count.
    s.pruneChangeLog(1, 60_000)
    expect(s.changeLogFloor()).toBe(floor)
    await Bun.sleep(5)
    s.pruneChangeLog(1, 1)
    expect(s.changeLogFloor()).toBe(seqs[2]!)
    expect(s.changesAfter(0, 10).map((r) => r.entry)).toEqual(["d"])
  })

  it("skips pruning the change log, without waiting, while another connection holds the write lock", () => {
    const dir = mkdtempSync(join(tmpdir(), "store-prune-"))
    try {
      const path = join(dir, "data.db")
      const writer = new Store(openDatabase(path))
      const other = new Store(openDatabase(path))
      writer.db.run("BEGIN IMMEDIATE")
      const started = performance.now()
      expect(other.pruneChangeLog(0, 0)).toBe(false)
      expect(performance.now() - started).toBeLessThan(BUSY_TIMEOUT_MS / 10)
      writer.db.run("COMMIT")
      expect(other.pruneChangeLog(0, 0)).toBe(true)
      other.close()
      writer.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
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

  it("keeps answering past its statement cache's bound (evicted statements are prepared again)", () => {
    const s = store()
    for (let i = 0; i < 2000; i++) s.get(`SELECT ${i} AS n`)
    expect(s.get("SELECT 1999 AS n")).toEqual({ n: 1999 })
    expect(s.get("SELECT 0 AS n")).toEqual({ n: 0 })
  })
})
