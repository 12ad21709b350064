/**
 * Redis faults with two `serve` processes on one data directory: while a real redis-server is
 * stopped, each process keeps delivering its own writes at once and the other's through the
 * change log; after it returns, every subscriber on both processes has every event, in commit
 * order per record, none twice, and cross-process delivery answers within a second. A client
 * may resume on another process than the one it left. A process
 * that missed more than the resume window disconnects its clients, whose resume then says
 * `complete: false`.
 */
import { afterEach, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import PocketBase from "pocketbase"
import { resumeRealtime, type ResumeReport } from "pocketbun/sdk-resume"
import { openRawStream, postRealtime, waitFor, type RawStream } from "../support/realtime.ts"
import { redisUnavailable, startRedis, type TestRedis } from "../support/redis.ts"
import { freePort, runCli, startServerProcess, superuserClient, type ServerProcess } from "../support/processes.ts"

const ADMIN = { email: "admin@example.com", password: "admin-password-123" }
const OPEN = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" }
const unavailable = redisUnavailable()

interface Seen {
  action: string
  id: string
  n: number
}

describe.skipIf(unavailable !== null)("realtime through a Redis outage", () => {
  let root = ""
  let redis: TestRedis | null = null
  let nodes: ServerProcess[] = []
  const clients: PocketBase[] = []

  afterEach(async () => {
    for (const pb of clients.splice(0)) await pb.realtime.unsubscribe().catch(() => {})
    await Promise.all(nodes.map((node) => node.kill("SIGKILL")))
    nodes = []
    await redis?.dispose()
    redis = null
    if (root) rmSync(root, { recursive: true, force: true })
  })

  async function cluster(extraFlags: string[] = []): Promise<PocketBase[]> {
    root = mkdtempSync(join(tmpdir(), "pocketbun-faults-"))
    const dir = join(root, "pb_data")
    redis = await startRedis()
    expect(runCli("superuser", "upsert", ADMIN.email, ADMIN.password, `--dir=${dir}`).code).toBe(0)
    const flags = [`--dir=${dir}`, `--migrationsDir=${join(root, "none")}`, `--realtimeBroker=${redis.url}`, ...extraFlags]
    nodes = [await startServerProcess(await freePort(), flags), await startServerProcess(await freePort(), flags)]
    const admins = await Promise.all(nodes.map((node) => superuserClient(node.url, ADMIN.email, ADMIN.password)))
    await admins[0]!.collections.create({ name: "items", ...OPEN, fields: [{ name: "n", type: "number" }] })
    // The other process must know the collection before it can deliver its events.
    await waitFor(async () => (await admins[1]!.collections.getOne("items").catch(() => null)) !== null, 5000, "the collection on process 2")
    return admins
  }

  async function subscriber(node: number, onResume?: (report: ResumeReport) => void): Promise<Seen[]> {
    const pb = new PocketBase(nodes[node]!.url)
    pb.autoCancellation(false)
    clients.push(pb)
    if (onResume) resumeRealtime(pb, { onResume })
    const seen: Seen[] = []
    await pb.collection("items").subscribe("*", (e) => void seen.push({ action: e.action, id: e.record.id, n: e.record.n }))
    return seen
  }

  it("keeps local delivery, brings the other process's events, and none twice, across a 3 s outage", async () => {
    const admins = await cluster()
    const subscribers = [await subscriber(0), await subscriber(0), await subscriber(1), await subscriber(1)]
    const first = await admins[0]!.collection("items").create({ n: 0 })
    await waitFor(() => subscribers.every((s) => s.some((e) => e.id === first.id)), 5000, "every subscriber to see the first item")

    await redis!.stop()
    // Writes on both processes, with updates of the same records, while Redis is down.
    const writes: Array<{ node: number; id: string; action: string; n: number }> = []
    const ids: string[] = []
    const started = Date.now()
    let localLatency = 0
    for (let i = 0; Date.now() - started < 3000; i++) {
      const node = i % 2
      if (i % 3 === 2) {
        const id = ids[i % ids.length]!
        await admins[node]!.collection("items").update(id, { n: i })
        writes.push({ node, id, action: "update", n: i })
      } else {
        const created = await admins[node]!.collection("items").create({ n: i })
        ids.push(created.id)
        writes.push({ node, id: created.id, action: "create", n: i })
        if (i === 0) {
          // Local delivery does not wait for Redis.
          const at = Date.now()
          await waitFor(() => subscribers[0]!.some((e) => e.id === created.id), 2000, "local delivery while Redis is down")
          localLatency = Date.now() - at
        }
      }
      await Bun.sleep(20)
    }
    expect(localLatency).toBeLessThan(1000)
    await redis!.start()

    // Cross-process delivery after the broker's return: within a second.
    const probe = await admins[1]!.collection("items").create({ n: -1 })
    const probeAt = Date.now()
    await waitFor(() => subscribers[0]!.some((e) => e.id === probe.id), 1000, "process 1's subscriber to get a process 2 write within 1 s of Redis's return")
    expect(Date.now() - probeAt).toBeLessThan(1000)

    await waitFor(() => subscribers.every((s) => s.some((e) => e.id === probe.id)), 5000, "every subscriber to get the probe")
    for (const seen of subscribers) {
      const during = seen.filter((e) => e.id !== first.id && e.id !== probe.id)
      // Every write once: nothing lost, nothing twice.
      expect(during.map((e) => `${e.action}:${e.id}:${e.n}`).sort()).toEqual(writes.map((w) => `${w.action}:${w.id}:${w.n}`).sort())
      // Per record, in commit order.
      for (const id of ids) {
        expect(during.filter((e) => e.id === id).map((e) => e.n)).toEqual(writes.filter((w) => w.id === id).map((w) => w.n))
      }
    }
  }, 60_000)

  it("resumes a client on the other process than the one it left, with both processes' events in commit order", async () => {
    const admins = await cluster()
    const streams: RawStream[] = []
    try {
      const first = await openRawStream(nodes[0]!.url)
      streams.push(first)
      expect((await postRealtime(nodes[0]!.url, { clientId: first.clientId, subscriptions: ["items/*"] })).status).toBe(204)
      const seen = await admins[0]!.collection("items").create({ n: 0 })
      await first.reader.until((t) => t.includes(seen.id), "the first item")
      const cursor = first.reader.frames().findLast((f) => f.data.includes(seen.id))!.id
      await first.close()
      // A watcher on process 2 shows when that process has handed the missed events over.
      const watcher = await openRawStream(nodes[1]!.url)
      streams.push(watcher)
      expect((await postRealtime(nodes[1]!.url, { clientId: watcher.clientId, subscriptions: ["items/*"] })).status).toBe(204)
      const missed: string[] = []
      for (let i = 1; i <= 6; i++) missed.push((await admins[i % 2]!.collection("items").create({ n: i })).id)
      await watcher.reader.until((t) => t.includes(missed[5]!), "process 2 to deliver the last missed item")

      const again = await openRawStream(nodes[1]!.url, { headers: { "Last-Event-ID": cursor } })
      streams.push(again)
      expect((await postRealtime(nodes[1]!.url, { clientId: again.clientId, subscriptions: ["items/*"] })).status).toBe(204)
      const live = await admins[0]!.collection("items").create({ n: 7 })
      await again.reader.until((t) => t.includes(live.id), "the live item")
      const frames = again.reader.frames()
      expect(JSON.parse(frames[1]!.data)).toEqual({ from: cursor, replayed: 6, complete: true })
      expect(frames.slice(2).map((f) => JSON.parse(f.data).record.id)).toEqual([...missed, live.id])
    } finally {
      for (const stream of streams) await stream.close()
    }
  }, 60_000)

  it("disconnects clients that missed more than the window; their resume says complete:false", async () => {
    const admins = await cluster(["--realtimeResumeEvents=5", "--realtimeResumeWindow=0.001"])
    const reports: ResumeReport[] = []
    const seen = await subscriber(0, (report) => reports.push(report))
    const first = await admins[0]!.collection("items").create({ n: 0 })
    await waitFor(() => seen.some((e) => e.id === first.id), 5000, "the first item")
    // Redis drops what it would have carried, and process 1 is frozen so it cannot read the log
    // while process 2 writes past the window.
    await redis!.stop()
    nodes[0]!.child.kill("SIGSTOP")
    try {
      for (let i = 1; i <= 30; i++) await admins[1]!.collection("items").create({ n: i })
    } finally {
      nodes[0]!.child.kill("SIGCONT")
    }
    await waitFor(() => reports.length > 0, 10_000, "the client to reconnect and resume")
    expect(reports[0]).toMatchObject({ complete: false, replayed: 0 })
  }, 60_000)
})
