/**
 * Two apps on one data directory (as `serve`'s workers are), here in one process so that a write
 * lock taken by stalling the event loop would stall both: a batch waiting for the other app's
 * write lock keeps the event loop running, so the other app's batch (whose item awaits a timer
 * while holding the lock) finishes, then the waiting batch and single writes go through, long
 * before the busy timeout.
 */
import { afterAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startPocketbun } from "../support/servers.ts"
import { useServer } from "../support/lifecycle.ts"
import { BUSY_TIMEOUT_MS } from "../../src/db/open.ts"

const OPEN = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" }
const HOLD_MS = 300

describe("batches of two apps sharing one data directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "pocketbun-batch-shared-"))
  const firstServer = useServer(async () => {
    const server = await startPocketbun({ dir })
    await server.admin.collections.create({ name: "posts", ...OPEN, fields: [{ name: "title", type: "text" }] })
    await server.admin.settings.update({ batch: { enabled: true, maxRequests: 10 } })
    server.app.hooks.onRecordCreateRequest.bindFunc(async (e) => {
      if (e.record.title === "slow") await Bun.sleep(HOLD_MS)
      await e.next()
    }, "posts")
    return server
  })
  // Started after the schema exists: without a broker the apps do not tell each other about it.
  const secondServer = useServer(() => startPocketbun({ dir }))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("lets both batches and the waiting app's single writes through", async () => {
    const first = firstServer()
    const second = secondServer()
    const started = performance.now()
    const slow = first.admin.createBatch()
    slow.collection("posts").create({ title: "slow" })
    slow.collection("posts").create({ title: "after slow" })
    const holding = slow.send()
    await Bun.sleep(HOLD_MS / 3)
    const waiting = second.admin.createBatch()
    for (const title of ["second a", "second b"]) waiting.collection("posts").create({ title })
    const [slowResults, waitingResults, single] = await Promise.all([holding, waiting.send(), second.admin.collection("posts").create({ title: "single" })])
    expect(slowResults.map((result) => result.status)).toEqual([200, 200])
    expect(waitingResults.map((result) => result.status)).toEqual([200, 200])
    expect(single.title).toBe("single")
    expect(performance.now() - started).toBeLessThan(BUSY_TIMEOUT_MS / 2)
    const titles = (await second.admin.collection("posts").getFullList({ sort: "title" })).map((post) => post.title)
    expect(titles).toEqual(["after slow", "second a", "second b", "single", "slow"])
  })
})
