import { describe, expect, it } from "bun:test"
import { openDatabase } from "./open.ts"
import { Store } from "./store.ts"

function store(): Store {
  const s = new Store(openDatabase(":memory:"))
  s.exec("CREATE TABLE notes (id TEXT PRIMARY KEY)")
  s.exec("CREATE TABLE owners (id TEXT PRIMARY KEY)")
  // Checked at COMMIT, so a bad row lets every savepoint succeed and the shared COMMIT fail.
  s.exec("CREATE TABLE pets (id TEXT PRIMARY KEY, owner TEXT REFERENCES owners(id) DEFERRABLE INITIALLY DEFERRED)")
  return s
}

const ids = (s: Store) => s.all<{ id: string }>("SELECT id FROM notes ORDER BY id").map((r) => r.id)

describe("group commit", () => {
  it("writes of one turn share one COMMIT; their commit callbacks run only after it", async () => {
    const s = store()
    const committed: string[] = []
    const write = (id: string) =>
      s.grouped(() =>
        s.transaction(() => {
          s.run("INSERT INTO notes VALUES (?)", [id])
          s.afterCommit(() => void committed.push(id))
          return id
        }),
      )
    const pending = [write("a"), write("b"), write("c")]
    expect(committed).toEqual([])
    expect(await Promise.all(pending)).toEqual(["a", "b", "c"])
    expect(committed).toEqual(["a", "b", "c"])
    expect(s.groupStats).toEqual({ commits: 1, writes: 3 })
    expect(ids(s)).toEqual(["a", "b", "c"])
  })

  it("a failing write is undone alone and rejects; its neighbours commit", async () => {
    const s = store()
    const rolledBack: string[] = []
    const write = (id: string, fail: boolean) =>
      s.grouped(() =>
        s.transaction(() => {
          s.run("INSERT INTO notes VALUES (?)", [id])
          s.afterRollback(() => void rolledBack.push(id))
          if (fail) throw new Error(`refused ${id}`)
        }),
      )
    const results = await Promise.allSettled([write("a", false), write("b", true), write("c", false)])
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"])
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("refused b")
    expect(rolledBack).toEqual(["b"])
    expect(ids(s)).toEqual(["a", "c"])
    expect(s.groupStats.commits).toBe(1)
  })

  it("a failing COMMIT fails every write of the group with its error and runs their rollback callbacks", async () => {
    const s = store()
    const rolledBack: string[] = []
    const committed: string[] = []
    const write = (id: string, sql: string) =>
      s.grouped(() =>
        s.transaction(() => {
          s.run(sql, [id])
          s.afterCommit(() => void committed.push(id))
          s.afterRollback(() => void rolledBack.push(id))
        }),
      )
    const results = await Promise.allSettled([
      write("a", "INSERT INTO notes VALUES (?)"),
      write("rex", "INSERT INTO pets VALUES (?, 'nobody')"),
      write("c", "INSERT INTO notes VALUES (?)"),
    ])
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"])
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toContain("FOREIGN KEY")
    expect(committed).toEqual([])
    expect(rolledBack.sort()).toEqual(["a", "c", "rex"])
    expect(ids(s)).toEqual([])
    // The connection is usable afterwards.
    await s.grouped(() => s.transaction(() => s.run("INSERT INTO notes VALUES ('d')")))
    expect(ids(s)).toEqual(["d"])
  })

  it("a write outside the group commits the group first and is not undone with it", async () => {
    const s = store()
    const grouped = s.grouped(() => s.transaction(() => s.run("INSERT INTO notes VALUES ('a')")))
    await Promise.resolve()
    await Promise.resolve()
    s.transaction(() => s.run("INSERT INTO notes VALUES ('b')"))
    await grouped
    expect(ids(s)).toEqual(["a", "b"])
    expect(s.inTransaction).toBe(false)
  })
})
