/**
 * The Socket.IO bridge against pocketbun and the reference PocketBase as its source: rooms from
 * fields and through relations, the payload shape, joins admitted only where the source lets the
 * user view the room's record (no leak), an invalid token refused, metrics and health, a source
 * restart survived with no duplicate and no gap, and two bridges sharing rooms through Redis.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test"
import { io as connectSocket, type Socket } from "socket.io-client"
import { startBridge, type BridgeConfig, type RunningBridge } from "../../src/bridge/index.ts"
import { parseBridgeConfig } from "../../src/bridge/config.ts"
import { referenceExecutable, SUPERUSER_EMAIL, SUPERUSER_PASSWORD } from "../support/servers.ts"
import { createUser, EventCollector, startRestartablePocketbun, startRestartableReference, waitFor, type RestartableServer, type TestUser } from "../support/realtime.ts"
import { redisUnavailable, startRedis, type TestRedis } from "../support/redis.ts"

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const targets: Array<{ name: string; start: () => Promise<RestartableServer> }> = [{ name: "pocketbun", start: () => startRestartablePocketbun() }]
if (referenceExecutable().path) targets.push({ name: "pocketbase", start: startRestartableReference })

interface Client {
  socket: Socket
  events: EventCollector<{ name: string; payload: any }>
}

for (const target of targets) {
  describe(`Socket.IO bridge (source: ${target.name})`, () => {
    let source: RestartableServer
    let ann: TestUser & { token: string }
    let bob: TestUser & { token: string }
    let channelA: string
    let channelB: string
    const bridges: RunningBridge[] = []
    const clients: Client[] = []
    const logs: any[] = []

    const config = (extra: Partial<BridgeConfig> = {}): BridgeConfig => parseBridgeConfig({
      source: { url: source.url, email: SUPERUSER_EMAIL, password: SUPERUSER_PASSWORD },
      http: "127.0.0.1:0",
      routes: [
        { collection: "messages", entity: "message", rooms: ["channel:{channel}", "user:{user}"] },
        { collection: "reactions", entity: "reaction", rooms: ["channel:{message.channel}"] },
      ],
      roomCollections: { channel: "channels" },
      reconnect: { baseMs: 50, maxMs: 400 },
      ...extra,
    })
    const bridge = async (extra?: Partial<BridgeConfig>) => {
      const running = await startBridge(config(extra), (level, msg, fields) => logs.push({ level, msg, ...fields }))
      bridges.push(running)
      await waitFor(() => running.metrics.sourceConnected, 10_000, "the bridge's source subscription")
      return running
    }
    const connect = async (running: RunningBridge, token: string): Promise<Client> => {
      const socket = connectSocket(running.url, { auth: { token }, transports: ["websocket"], reconnection: false })
      const events = new EventCollector<{ name: string; payload: any }>(`socket ${clients.length}`)
      socket.onAny((name, payload) => events.push({ name, payload }))
      clients.push({ socket, events })
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve())
        socket.once("connect_error", reject)
      })
      return { socket, events }
    }
    const join = (client: Client, rooms: unknown) => client.socket.timeout(5000).emitWithAck("join", rooms)
    const message = (channel: string, user: string, text: string) => source.admin.collection("messages").create({ channel, user, text })

    beforeAll(async () => {
      source = await target.start()
      const users = await source.admin.collections.getOne("users")
      const channels = await source.admin.collections.create({
        name: "channels",
        listRule: "members.id ?= @request.auth.id",
        viewRule: "members.id ?= @request.auth.id",
        fields: [{ name: "name", type: "text" }, { name: "members", type: "relation", collectionId: users.id, maxSelect: 10 }],
      })
      const messages = await source.admin.collections.create({
        name: "messages",
        listRule: "channel.members.id ?= @request.auth.id",
        viewRule: "channel.members.id ?= @request.auth.id",
        fields: [
          { name: "text", type: "text" },
          { name: "channel", type: "relation", collectionId: channels.id, maxSelect: 1 },
          { name: "user", type: "relation", collectionId: users.id, maxSelect: 1 },
          { name: "created", type: "autodate", onCreate: true },
          { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
        ],
      })
      await source.admin.collections.create({
        name: "reactions",
        fields: [{ name: "emoji", type: "text" }, { name: "message", type: "relation", collectionId: messages.id, maxSelect: 1 }],
      })
      const login = async (user: TestUser) => ({ ...user, token: (await source.client().collection("users").authWithPassword(user.email, user.password)).token })
      ann = await login(await createUser(source.admin, "ann@example.com"))
      bob = await login(await createUser(source.admin, "bob@example.com"))
      channelA = (await source.admin.collection("channels").create({ name: "A", members: [ann.id] })).id
      channelB = (await source.admin.collection("channels").create({ name: "B", members: [bob.id] })).id
    }, 60_000)
    afterEach(async () => {
      for (const client of clients.splice(0)) client.socket.disconnect()
      for (const running of bridges.splice(0)) await running.stop()
    })
    afterAll(async () => {
      await source?.stop()
    })

    it("refuses an invalid token with connect_error and admits only rooms the user may view", async () => {
      const running = await bridge()
      await expect(connect(running, "not-a-token")).rejects.toThrow("unauthorized")
      const annClient = await connect(running, ann.token)
      const answer = await join(annClient, [`channel:${channelA}`, `channel:${channelB}`, `user:${bob.id}`, "nope", "team:x", `channel:missing`])
      expect(answer).toEqual({ joined: [`channel:${channelA}`], refused: [`channel:${channelB}`, `user:${bob.id}`, "nope", "team:x", "channel:missing"] })
    })

    it("emits normalized events to field and relation rooms, and nothing to users outside them", async () => {
      const running = await bridge()
      const annClient = await connect(running, ann.token)
      const bobClient = await connect(running, bob.token)
      expect(await join(annClient, [`channel:${channelA}`])).toEqual({ joined: [`channel:${channelA}`], refused: [] })
      await join(bobClient, [`channel:${channelB}`])

      const created = await message(channelA, ann.id, "hello")
      const got = await annClient.events.next()
      expect(got.name).toBe("message:created")
      expect(Object.keys(got.payload).sort()).toEqual(["data", "entity", "id", "ts", "type"])
      expect(got.payload).toMatchObject({ type: "message:created", entity: "message", id: created.id, data: { id: created.id, text: "hello", channel: channelA, user: ann.id } })
      expect(got.payload.ts).toMatch(ISO_UTC)
      expect(got.payload.data.expand).toBeUndefined()

      const reaction = await source.admin.collection("reactions").create({ emoji: "+1", message: created.id })
      const reacted = await annClient.events.next()
      expect(reacted).toMatchObject({ name: "reaction:created", payload: { id: reaction.id, entity: "reaction", data: { emoji: "+1" } } })
      await source.admin.collection("messages").update(created.id, { text: "edited" })
      expect(await annClient.events.next()).toMatchObject({ name: "message:updated", payload: { data: { text: "edited" } } })
      await source.admin.collection("messages").delete(created.id)
      expect(await annClient.events.next()).toMatchObject({ name: "message:deleted", payload: { id: created.id } })

      // bob is reached through his user room even in a channel he cannot see (the route says so),
      // and through channel B; nothing of channel A's own traffic reaches him.
      const toBob = await message(channelA, bob.id, "mentions bob")
      expect((await bobClient.events.next()).payload.id).toBe(toBob.id)
      const inB = await message(channelB, bob.id, "in B")
      await bobClient.events.find((e) => e.payload.id === inB.id, "the channel B message")
      expect(bobClient.events.all.filter((e) => e.payload.data.channel === channelA && e.payload.data.user !== bob.id)).toEqual([])
      expect(bobClient.events.all.filter((e) => e.name.startsWith("reaction"))).toEqual([])
      // bob's message in B reached him once, though two of its rooms hold him.
      expect(bobClient.events.all.filter((e) => e.payload.id === inB.id)).toHaveLength(1)

      const left = await annClient.socket.timeout(5000).emitWithAck("leave", [`channel:${channelA}`])
      expect(left).toEqual({ left: [`channel:${channelA}`] })
      const after = await message(channelA, bob.id, "after ann left")
      await bobClient.events.find((e) => e.payload.id === after.id, "the later message")
      expect(annClient.events.all.some((e) => e.payload.id === after.id)).toBe(false)
    })

    it("serves /metrics in Prometheus text and /health, and logs JSON lines", async () => {
      const running = await bridge()
      const annClient = await connect(running, ann.token)
      await join(annClient, [`channel:${channelA}`])
      await message(channelA, ann.id, "counted")
      await annClient.events.next()
      const metrics = await (await fetch(`${running.url}/metrics`)).text()
      expect(metrics).toContain('bridge_events_in_total{collection="messages"} 1')
      expect(metrics).toContain('bridge_events_emitted_total{event="message:created"} 1')
      expect(metrics).toContain("# TYPE bridge_connected_sockets gauge\nbridge_connected_sockets 1")
      expect(metrics).toMatch(/bridge_duplicates_dropped_total 0\nbridge_handler_failures_total|# TYPE bridge_duplicates_dropped_total counter\nbridge_duplicates_dropped_total 0/)
      const health = await fetch(`${running.url}/health`)
      expect(health.status).toBe(200)
      expect(await health.json()).toEqual({ status: "ok", sockets: 1 })
      expect(logs.some((line) => line.msg === "bridge listening" && line.level === "info")).toBe(true)
    })

    it("survives a source restart: after reconnecting, every new event arrives once", async () => {
      const running = await bridge()
      const annClient = await connect(running, ann.token)
      await join(annClient, [`channel:${channelA}`])
      const before = await message(channelA, ann.id, "before")
      await annClient.events.find((e) => e.payload.id === before.id, "the message before the restart")
      await source.halt()
      await waitFor(() => !running.metrics.sourceConnected, 10_000, "the bridge to notice")
      expect((await fetch(`${running.url}/health`)).status).toBe(503)
      await source.resume()
      await waitFor(() => running.metrics.sourceConnected, 15_000, "the bridge to resubscribe")
      expect(running.metrics.reconnects).toBe(1)
      const ids: string[] = []
      for (let i = 0; i < 5; i++) ids.push((await message(channelA, ann.id, `after ${i}`)).id)
      await annClient.events.find((e) => e.payload.id === ids[4], "the last message after the restart")
      const seen = annClient.events.all.map((e) => e.payload.id).filter((id) => ids.includes(id))
      expect(seen).toEqual(ids)
    }, 60_000)

    describe.skipIf(redisUnavailable() !== null)("behind Redis", () => {
      let redis: TestRedis
      beforeAll(async () => {
        redis = await startRedis()
      })
      afterAll(async () => {
        await redis?.dispose()
      })

      it("two bridges share rooms: a socket on either gets each event exactly once and in order", async () => {
        const first = await bridge({ redis: redis.url })
        const second = await bridge({ redis: redis.url })
        const onFirst = await connect(first, ann.token)
        const onSecond = await connect(second, ann.token)
        const bobOnSecond = await connect(second, bob.token)
        await join(onFirst, [`channel:${channelA}`])
        await join(onSecond, [`channel:${channelA}`])
        await join(bobOnSecond, [`channel:${channelB}`])
        const ids: string[] = []
        for (let i = 0; i < 4; i++) ids.push((await message(channelA, ann.id, `shared ${i}`)).id)
        const last = await message(channelB, bob.id, "for bob")
        for (const client of [onFirst, onSecond]) await client.events.find((e) => e.payload.id === ids[3], "the last shared message")
        await bobOnSecond.events.find((e) => e.payload.id === last.id, "bob's message")
        await Bun.sleep(200)
        for (const client of [onFirst, onSecond]) expect(client.events.all.map((e) => e.payload.id)).toEqual(ids)
        expect(bobOnSecond.events.all.map((e) => e.payload.id)).toEqual([last.id])
        // Each bridge delivers what it hears to its own sockets: nothing reached a socket twice.
        expect(first.metrics.duplicatesDropped + second.metrics.duplicatesDropped).toBe(0)
      }, 30_000)
    })
  })
}
