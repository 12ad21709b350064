/**
 * Several processes on one machine without Redis: the workers' unix socket hub. Two `serve`
 * processes joined through a hub (as `serve --workers=N` joins its children), SDK clients whose
 * stream and subscription POST land on different processes, creates and updates through both:
 * every event exactly once and in commit order per record; stats and client lists cover both.
 * Then `serve --workers=2` itself, on one port, without any broker flag.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import PocketBase from "pocketbase"
import { startSocketHub, type SocketHub } from "../../src/realtime/socket-broker.ts"
import { waitFor } from "../support/realtime.ts"
import { freePort, runCli, startServerProcess, superuserClient, type ServerProcess } from "../support/processes.ts"
import { expectWorkersShareEvents } from "../support/workers.ts"

const ADMIN = { email: "admin@example.com", password: "admin-password-123" }
const CLIENTS = 20

interface Received {
  action: string
  id: string
  title: string
}

describe("processes joined by the unix socket hub", () => {
  let root: string
  let hub: SocketHub
  let nodes: ServerProcess[] = []
  let admins: PocketBase[] = []
  const clients: Array<{ pb: PocketBase; received: Received[] }> = []

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "pocketbun-hub-"))
    const dir = join(root, "pb_data")
    hub = startSocketHub(join(root, "hub.sock"))
    expect(runCli("superuser", "upsert", ADMIN.email, ADMIN.password, `--dir=${dir}`).code).toBe(0)
    const flags = [`--dir=${dir}`, `--migrationsDir=${join(root, "none")}`, `--realtimeBroker=unix:${hub.path}`]
    nodes = await Promise.all([0, 1].map(async () => startServerProcess(await freePort(), flags)))
    admins = await Promise.all(nodes.map((node) => superuserClient(node.url, ADMIN.email, ADMIN.password)))
    await admins[0]!.collections.create({ name: "posts", listRule: "", viewRule: "", fields: [{ name: "title", type: "text" }] })
    for (let index = 0; index < CLIENTS; index++) {
      const stream = nodes[index % 2]!.url
      const other = nodes[(index + 1) % 2]!.url
      const pb = new PocketBase(stream)
      pb.autoCancellation(false)
      // The subscription POST goes to the other process than the stream.
      pb.beforeSend = (url, options) => ({ url: url.endsWith("/api/realtime") ? url.replace(stream, other) : url, options })
      const received: Received[] = []
      await pb.collection("posts").subscribe("*", (e) => void received.push({ action: e.action, id: e.record.id, title: e.record.title }))
      clients.push({ pb, received })
    }
  }, 60_000)

  afterAll(async () => {
    for (const client of clients) client.pb.realtime.unsubscribe().catch(() => {})
    await Promise.all(nodes.map((node) => node.kill("SIGKILL")))
    hub?.stop()
    if (root) rmSync(root, { recursive: true, force: true })
  })

  it("delivers writes from both processes to every client exactly once, in commit order per record", async () => {
    const expected: Received[] = []
    const created = await Promise.all(Array.from({ length: 10 }, (_, i) => admins[i % 2]!.collection("posts").create({ title: `p${i}` })))
    for (const [i, record] of created.entries()) expected.push({ action: "create", id: record.id, title: `p${i}` })
    // Updates of each record alternate between the processes, several in flight at once.
    for (let round = 0; round < 3; round++) {
      await Promise.all(created.map((record, i) => admins[(i + round) % 2]!.collection("posts").update(record.id, { title: `p${i}-r${round}` })))
      for (const [i, record] of created.entries()) expected.push({ action: "update", id: record.id, title: `p${i}-r${round}` })
    }
    await Promise.all(created.slice(0, 4).map((record, i) => admins[i % 2]!.collection("posts").delete(record.id)))
    for (const [i, record] of created.slice(0, 4).entries()) expected.push({ action: "delete", id: record.id, title: `p${i}-r2` })

    // A sentinel after everything: in commit order, so once it arrives nothing earlier (and no duplicate) is still on its way.
    const sentinel = await admins[1]!.collection("posts").create({ title: "sentinel" })
    await waitFor(() => clients.every((c) => c.received.some((r) => r.id === sentinel.id)), 20_000, `the sentinel to reach all ${CLIENTS} clients`)
    for (const client of clients) {
      expect(client.received).toHaveLength(expected.length + 1)
      expect(client.received.at(-1)).toEqual({ action: "create", id: sentinel.id, title: "sentinel" })
      for (const record of created) {
        const mine = (list: Received[]) => list.filter((r) => r.id === record.id)
        expect(mine(client.received)).toEqual(mine(expected))
      }
    }
  }, 60_000)

  it("shows both processes in the stats and the client list", async () => {
    const stats = await admins[0]!.send("/api/realtime/stats", {})
    expect(stats.nodes).toHaveLength(2)
    expect(stats.total.clients).toBe(CLIENTS)
    const listed = await admins[1]!.send("/api/realtime/clients", {})
    expect(listed.totalItems).toBe(CLIENTS)
    expect(new Set(listed.items.map((c: { node: string }) => c.node)).size).toBe(2)
  })
})

describe("serve --workers=2 without Redis", () => {
  it("serves one port from two processes that share events", async () => {
    const root = mkdtempSync(join(tmpdir(), "pocketbun-workers-"))
    const dir = join(root, "pb_data")
    expect(runCli("superuser", "upsert", ADMIN.email, ADMIN.password, `--dir=${dir}`).code).toBe(0)
    const server = await startServerProcess(await freePort(), [`--dir=${dir}`, `--migrationsDir=${join(root, "none")}`, "--workers=2"])
    try {
      await expectWorkersShareEvents(server, ADMIN)
    } finally {
      await server.kill("SIGTERM")
      rmSync(root, { recursive: true, force: true })
    }
  }, 40_000)
})
