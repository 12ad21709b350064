/**
 * Scale-out through Redis: three `serve` processes on one data directory, SDK clients whose
 * stream and subscription POST land on different processes, rules applied per process, exact
 * once and in-order delivery, a killed process, and Redis going away and coming back.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import PocketBase from "pocketbase"
import { waitFor } from "../support/realtime.ts"
import { FORWARD_TIMEOUT_MS } from "../../src/realtime/service.ts"
import { redisUnavailable, startRedis, type TestRedis } from "../support/redis.ts"
import { reportMissing } from "../support/requirements.ts"
import { freePort, runCli, startServerProcess, superuserClient, type ServerProcess } from "../support/processes.ts"

const ADMIN = { email: "admin@example.com", password: "admin-password-123" }
const USERS = [
  { email: "u1@example.com", password: "user-password-1" },
  { email: "u2@example.com", password: "user-password-2" },
]
const CLIENTS = 60
const unavailable = redisUnavailable()
if (unavailable) reportMissing("the cluster tests", unavailable)

interface Received {
  action: string
  id: string
  title: string
}

interface Subscriber {
  index: number
  /** -1 guest, else index into USERS. */
  user: number
  streamNode: number
  pb: PocketBase
  received: Received[]
  unsubscribe: () => Promise<void>
}

describe.skipIf(unavailable !== null)("cluster through Redis", () => {
  let root: string
  let redis: TestRedis
  let nodes: ServerProcess[] = []
  let admins: PocketBase[] = []
  let subscribers: Subscriber[] = []
  const userIds: string[] = []
  const userAuth: Array<{ token: string; record: Record<string, any> }> = []

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "pocketbun-cluster-"))
    const dir = join(root, "pb_data")
    redis = await startRedis()
    expect(runCli("superuser", "upsert", ADMIN.email, ADMIN.password, `--dir=${dir}`).code).toBe(0)
    const flags = [`--dir=${dir}`, `--migrationsDir=${join(root, "none")}`, `--realtimeBroker=${redis.url}`]
    nodes = await Promise.all([0, 1, 2].map(async () => startServerProcess(await freePort(), flags)))
    admins = await Promise.all(nodes.map((node) => superuserClient(node.url, ADMIN.email, ADMIN.password)))
    // Schema changes made through one process must be seen by the others.
    await admins[0]!.collections.create({
      name: "posts",
      listRule: "public = true || owner = @request.auth.id",
      viewRule: "public = true || owner = @request.auth.id",
      fields: [
        { name: "title", type: "text" },
        { name: "public", type: "bool" },
        { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
      ],
    })
    for (const [i, user] of USERS.entries()) {
      const created = await admins[i + 1]!.collection("users").create({ ...user, passwordConfirm: user.password })
      userIds.push(created.id)
      // One login per user, shared by its clients (parallel logins of one account would be throttled).
      const login = new PocketBase(nodes[0]!.url)
      const auth = await login.collection("users").authWithPassword(user.email, user.password)
      userAuth.push({ token: auth.token, record: auth.record })
    }
    subscribers = await Promise.all(Array.from({ length: CLIENTS }, (_, index) => subscribe(index)))
  }, 90_000)

  afterAll(async () => {
    for (const subscriber of subscribers) subscriber.pb.realtime.unsubscribe().catch(() => {})
    await Promise.all(nodes.map((node) => node.kill("SIGKILL")))
    await redis?.dispose()
    if (root) rmSync(root, { recursive: true, force: true })
  })

  async function subscribe(index: number): Promise<Subscriber> {
    const streamNode = index % 3
    const postNode = (index + 1) % 3
    const user = index % 3 === 0 ? -1 : (index % 3) - 1
    const pb = new PocketBase(nodes[streamNode]!.url)
    pb.autoCancellation(false)
    // No sticky sessions: the subscription POST goes to another process than the stream.
    pb.beforeSend = (url, options) => ({ url: url.endsWith("/api/realtime") ? url.replace(nodes[streamNode]!.url, nodes[postNode]!.url) : url, options })
    if (user >= 0) pb.authStore.save(userAuth[user]!.token, userAuth[user]!.record as never)
    const received: Received[] = []
    const unsubscribe = await pb.collection("posts").subscribe("*", (event) => {
      received.push({ action: event.action, id: event.record.id, title: event.record.title })
    })
    return { index, user, streamNode, pb, received, unsubscribe }
  }

  const visibleTo = (subscriber: Subscriber, record: { public: boolean; owner: string }) =>
    record.public || (subscriber.user >= 0 && record.owner === userIds[subscriber.user])

  it("delivers every visible event exactly once and in commit order, with POSTs sent to another process", async () => {
    const expected: Array<Received & { public: boolean; owner: string }> = []
    for (let i = 0; i < 12; i++) {
      const node = i % 3
      const record = { title: `post-${i}`, public: i % 4 === 0, owner: i % 2 === 0 ? userIds[0]! : userIds[1]! }
      const created = await admins[node]!.collection("posts").create(record)
      expected.push({ ...record, action: "create", id: created.id, title: record.title })
      const retitled = `post-${i}-edited`
      await admins[(node + 1) % 3]!.collection("posts").update(created.id, { title: retitled })
      expected.push({ ...record, action: "update", id: created.id, title: retitled })
      if (i % 3 === 0) {
        await admins[(node + 2) % 3]!.collection("posts").delete(created.id)
        expected.push({ ...record, action: "delete", id: created.id, title: retitled })
      }
    }
    // A public sentinel: in commit order, so once it arrives nothing earlier is still on its way.
    const sentinel = await admins[2]!.collection("posts").create({ title: "sentinel", public: true })
    await waitFor(() => subscribers.every((s) => s.received.some((r) => r.id === sentinel.id)), 20_000, "the sentinel to reach all 60 clients")
    for (const subscriber of subscribers) {
      const wanted = expected.filter((e) => visibleTo(subscriber, e)).map(({ action, id, title }) => ({ action, id, title }))
      wanted.push({ action: "create", id: sentinel.id, title: "sentinel" })
      expect(subscriber.received).toEqual(wanted)
    }
    // Guests see only public records; each user also sees their own.
    const guest = subscribers.find((s) => s.user === -1)!
    const u1 = subscribers.find((s) => s.user === 0)!
    expect(guest.received.length).toBeLessThan(u1.received.length)
  }, 60_000)

  it("lists every client across processes for superusers only", async () => {
    const stats = await admins[0]!.send("/api/realtime/stats", {})
    expect(stats.total.clients).toBe(CLIENTS)
    expect(stats.nodes).toHaveLength(3)
    const clients = await admins[1]!.send("/api/realtime/clients", {})
    expect(clients.totalItems).toBe(CLIENTS)
    expect(new Set(clients.items.map((c: { node: string }) => c.node)).size).toBe(3)
    const guest = await fetch(`${nodes[0]!.url}/api/realtime/stats`)
    expect(guest.status).toBe(401)
  }, 20_000)

  it("answers 404 for a clientId no process holds, after asking the others", async () => {
    const started = Date.now()
    const response = await fetch(`${nodes[0]!.url}/api/realtime`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId: "nobody-has-this-client", subscriptions: ["posts/*"] }),
    })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ data: {}, message: "Missing or invalid client id.", status: 404 })
    // Every live process said "not mine", so the answer did not wait out the forwarding timeout.
    expect(Date.now() - started).toBeLessThan(FORWARD_TIMEOUT_MS)
  }, 10_000)

  it("keeps local delivery while Redis is down and resumes cross-process delivery after it returns", async () => {
    await redis.stop()
    const local = subscribers.filter((s) => s.streamNode === 0)
    const whileDown = await admins[0]!.collection("posts").create({ title: "while-redis-down", public: true })
    await waitFor(() => local.every((s) => s.received.some((r) => r.id === whileDown.id)), 10_000, "local clients to get the event while Redis is down")
    for (const node of nodes) expect((await fetch(`${node.url}/api/health`)).status).toBe(200)

    await redis.start()
    // Wait until the processes see each other again (presence goes through Redis).
    await waitFor(async () => {
      const stats = await admins[0]!.send("/api/realtime/stats", {}).catch(() => null)
      return stats?.nodes?.length === 3
    }, 20_000, "all three processes to rejoin through Redis")
    const after = await admins[1]!.collection("posts").create({ title: "after-redis-back", public: true })
    await waitFor(() => subscribers.every((s) => s.received.some((r) => r.id === after.id)), 15_000, "every client to get the event after Redis came back")
    for (const subscriber of subscribers) {
      expect(subscriber.received.filter((r) => r.id === after.id)).toHaveLength(1)
      expect(subscriber.received.filter((r) => r.id === whileDown.id).length).toBeLessThanOrEqual(1)
    }
  }, 60_000)

  it("drops only the killed process's clients", async () => {
    const victims = subscribers.filter((s) => s.streamNode === 2)
    for (const victim of victims) victim.pb.realtime.unsubscribe().catch(() => {})
    await nodes[2]!.kill("SIGKILL")
    await waitFor(async () => {
      const stats = await admins[0]!.send("/api/realtime/stats", {}).catch(() => null)
      return stats?.total?.clients === CLIENTS - victims.length
    }, 15_000, `the cluster to count ${CLIENTS - victims.length} clients after a process died`)
    const survivors = subscribers.filter((s) => s.streamNode !== 2)
    const last = await admins[0]!.collection("posts").create({ title: "after-kill", public: true })
    await waitFor(() => survivors.every((s) => s.received.some((r) => r.id === last.id)), 15_000, "surviving clients to keep receiving")
  }, 40_000)
})
