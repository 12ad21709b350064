import { afterEach, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { openDatabase } from "../db/open.ts"
import { Store } from "../db/store.ts"
import { CronScheduler } from "./scheduler.ts"
import { sqliteTickClaims } from "./tick-claims.ts"

const at = (iso: string) => new Date(iso)

describe("cron scheduler", () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  function sharedStores(count: number): Store[] {
    const dir = mkdtempSync(join(tmpdir(), "cron-test-"))
    dirs.push(dir)
    return Array.from({ length: count }, () => new Store(openDatabase(join(dir, "data.db"))))
  }

  it("runs a due job once per tick across processes sharing the data file", () => {
    const runs: string[] = []
    const schedulers = sharedStores(3).map((store, i) => {
      const scheduler = new CronScheduler({ claims: sqliteTickClaims(store) })
      scheduler.add("report", "*/5 * * * *", () => void runs.push(`process ${i}`))
      return scheduler
    })
    for (const scheduler of schedulers) scheduler.tick(at("2026-01-01T10:05:30Z"))
    expect(runs).toHaveLength(1)
    for (const scheduler of schedulers.reverse()) scheduler.tick(at("2026-01-01T10:05:59Z"))
    expect(runs).toHaveLength(1) // same minute: already claimed
    for (const scheduler of schedulers) scheduler.tick(at("2026-01-01T10:06:00Z"))
    expect(runs).toHaveLength(1) // not due
    for (const scheduler of schedulers) scheduler.tick(at("2026-01-01T10:10:00Z"))
    expect(runs).toHaveLength(2)
  })

  it("adds, replaces, removes and lists jobs as PocketBase does", () => {
    const [store] = sharedStores(1)
    const scheduler = new CronScheduler({ claims: sqliteTickClaims(store!) })
    scheduler.add("__pbSystem__", "0 0 * * *", () => {})
    scheduler.add("b", "@hourly", () => {})
    scheduler.add("a", "* * * * *", () => {})
    scheduler.add("a", "1 * * * *", () => {})
    expect(scheduler.jobs()).toEqual([
      { id: "a", expression: "1 * * * *" },
      { id: "b", expression: "0 * * * *" },
      { id: "__pbSystem__", expression: "0 0 * * *" },
    ])
    scheduler.remove("b")
    expect(scheduler.has("b")).toBe(false)
    expect(() => scheduler.add("bad", "* *", () => {})).toThrow("exactly 5 space separated segments")
  })

  it("reports a failing job and keeps running the others", async () => {
    const [store] = sharedStores(1)
    const failures: string[] = []
    let ran = false
    const scheduler = new CronScheduler({ claims: sqliteTickClaims(store!), onError: (id) => void failures.push(id) })
    scheduler.add("broken", "* * * * *", () => {
      throw new Error("boom")
    })
    scheduler.add("fine", "* * * * *", () => {
      ran = true
    })
    scheduler.tick(at("2026-01-01T00:00:00Z"))
    await Bun.sleep(0)
    expect(failures).toEqual(["broken"])
    expect(ran).toBe(true)
  })
})
