/**
 * WebSocket and SSE clients side by side across two `serve` processes sharing Redis: writes on
 * either process reach both transports with the same events in the same order, and a user's
 * private record reaches only that user's WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import PocketBase from "pocketbase"
import { EventCollector, waitFor, type RecordEventData } from "../support/realtime.ts"
import { redisUnavailable } from "../support/redis.ts"
import { startRedisPair, type RedisPair } from "../support/redis-pair.ts"
import { superuserClient, type ServerProcess } from "../support/processes.ts"
import { TestSocket } from "../support/websocket.ts"

const ADMIN = { email: "admin@example.com", password: "admin-password-123" }
const unavailable = redisUnavailable()

describe.skipIf(unavailable !== null)("WebSocket and SSE through Redis", () => {
  let pair: RedisPair | undefined
  let nodes: ServerProcess[] = []
  let admins: PocketBase[] = []
  const sockets: TestSocket[] = []
  const sse = new PocketBase("http://127.0.0.1")

  beforeAll(async () => {
    pair = await startRedisPair("ws-cluster", ADMIN)
    nodes = pair.nodes
    admins = await Promise.all(nodes.map((node) => superuserClient(node.url, ADMIN.email, ADMIN.password)))
    await admins[0]!.collections.create({
      name: "posts",
      listRule: "public = true || owner = @request.auth.id",
      viewRule: "public = true || owner = @request.auth.id",
      fields: [{ name: "title", type: "text" }, { name: "public", type: "bool" }, { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 }],
    })
  }, 60_000)

  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await sse.realtime.unsubscribe().catch(() => {})
    await pair?.stop("SIGKILL")
  })

  it("delivers the same events to SSE and WebSocket clients on either process, and private ones only to their owner", async () => {
    const user = await admins[1]!.collection("users").create({ email: "u@example.com", password: "user-password-1", passwordConfirm: "user-password-1" })
    const token = (await new PocketBase(nodes[0]!.url).collection("users").authWithPassword("u@example.com", "user-password-1")).token
    const guestWs = await TestSocket.open(nodes[0]!.url, "guest ws")
    const userWs = await TestSocket.open(nodes[1]!.url, "user ws")
    sockets.push(guestWs, userWs)
    await userWs.request({ type: "auth", token }, "auth")
    for (const socket of [guestWs, userWs]) await socket.request({ type: "subscribe", subscriptions: ["posts.*"] }, "subscribed")
    sse.baseURL = nodes[1]!.url
    const guestSse = new EventCollector<RecordEventData>("guest sse")
    await sse.collection("posts").subscribe("*", guestSse.push)

    const titles: string[] = []
    for (let i = 0; i < 6; i++) {
      const record = await admins[i % 2]!.collection("posts").create({ title: `p${i}`, public: i !== 3, owner: user.id })
      titles.push(record.title)
    }
    const publicTitles = titles.filter((t) => t !== "p3")
    await waitFor(() => guestSse.all.length === 5 && guestWs.events().length === 5 && userWs.events().length === 6, 5000, "every event on every client")
    expect(guestSse.all.map((e) => e.record.title)).toEqual(publicTitles)
    expect(guestWs.events().map((e) => e.record.title)).toEqual(publicTitles)
    expect(guestWs.events().map((e) => e.record)).toEqual(guestSse.all.map((e) => e.record))
    expect(userWs.events().map((e) => e.record.title)).toEqual(titles)
  }, 30_000)
})
