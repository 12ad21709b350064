/**
 * The realtime WebSocket transport: connect/auth/subscribe messages, dotted patterns, the
 * record_event and message shapes, the same events as an SSE client side by side, rules (a user
 * gets no event for a record its rules forbid), subscribe errors and the limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { about, createUser, EventCollector, SdkClients, waitFor, type RecordEventData, type TestUser } from "../support/realtime.ts"
import { TestSocket } from "../support/websocket.ts"

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

describe("realtime WebSocket transport", () => {
  let server: PocketbunServer
  let ann: TestUser
  let bob: TestUser
  let annToken: string
  let bobToken: string
  const sockets: TestSocket[] = []
  const sdk = new SdkClients()
  const open = async (label?: string) => {
    const socket = await TestSocket.open(server.url, label)
    sockets.push(socket)
    return socket
  }

  beforeAll(async () => {
    server = await startPocketbun({ realtimeWsPerIp: 30, realtimeWsPerUser: 3, realtimeWsMaxSubscriptions: 5, realtimeWsSubscribeRate: 4 })
    const admin = server.admin
    await admin.collections.create({ name: "posts", listRule: "", viewRule: "", fields: [{ name: "title", type: "text" }] })
    const users = await admin.collections.getOne("users")
    await admin.collections.create({
      name: "notes",
      listRule: "owner = @request.auth.id",
      viewRule: "owner = @request.auth.id",
      fields: [{ name: "text", type: "text" }, { name: "owner", type: "relation", collectionId: users.id, maxSelect: 1 }],
    })
    await admin.collections.create({ name: "secrets", fields: [{ name: "text", type: "text" }] })
    ann = await createUser(admin, "ann@example.com")
    bob = await createUser(admin, "bob@example.com")
    annToken = (await server.client().collection("users").authWithPassword(ann.email, ann.password)).token
    bobToken = (await server.client().collection("users").authWithPassword(bob.email, bob.password)).token
  }, 30_000)
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await sdk.closeAll()
    await server?.stop()
  })

  it("sends connect with a client id, answers auth with the record, drops identity and refuses a bad token", async () => {
    const socket = await open()
    expect(socket.clientId).toMatch(/^[A-Za-z0-9]{40}$/)
    const authed = await socket.request({ type: "auth", token: annToken }, "auth", "error")
    expect(authed).toMatchObject({ type: "auth", record: { id: ann.id, email: ann.email, collectionName: "users" } })
    expect(authed.record.password).toBeUndefined()
    expect(authed.record.tokenKey).toBeUndefined()
    expect(await socket.request({ type: "auth", token: "" }, "auth", "error")).toEqual({ type: "auth", record: null })
    expect(await socket.request({ type: "auth", token: "not-a-token" }, "auth", "error")).toEqual({
      type: "error", status: 401, message: "The request requires valid record authorization token.", data: {},
    })
    expect(await socket.request("{nope", "error")).toMatchObject({ type: "error", status: 400 })
    expect(await socket.request({ type: "ping" }, "pong")).toEqual({ type: "pong" })
  })

  it("runs the connect hook: a handler sees the client, and one that does not call next() refuses the upgrade", async () => {
    const hook = server.app.hooks.onRealtimeConnectRequest
    const seen: string[] = []
    const watching = hook.bindFunc((e) => {
      seen.push(e.client.id)
      return e.next()
    })
    const socket = await open()
    expect(seen).toEqual([socket.clientId])
    hook.unbind(watching)
    const refusing = hook.bindFunc(() => {})
    const refused = await fetch(`${server.url}/api/realtime/ws`, { headers: { upgrade: "websocket", connection: "upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } })
    hook.unbind(refusing)
    expect(refused.status).toBe(204)
  })

  it("a token in the URL authenticates nobody", async () => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/api/realtime/ws?token=${annToken}`)
    const notes = new EventCollector<any>("url token")
    ws.onmessage = (event) => notes.push(JSON.parse(String(event.data)))
    await notes.next()
    ws.send(JSON.stringify({ type: "subscribe", subscriptions: ["notes.*", "posts.*"] }))
    await notes.find((m) => m.type === "subscribed", "subscribed")
    await server.admin.collection("notes").create({ text: "ann's", owner: ann.id })
    const post = await server.admin.collection("posts").create({ title: "after" })
    await notes.find((m) => m.type === "record_event" && m.record.id === post.id, "the later post")
    expect(notes.all.filter((m) => m.collection === "notes")).toEqual([])
    ws.close()
  })

  it("delivers record_event in the documented shape to dotted patterns, the same events an SSE client gets", async () => {
    const socket = await open()
    const first = await server.admin.collection("posts").create({ title: "existing" })
    const subscribed = await socket.request({ type: "subscribe", subscriptions: ["posts.*", `posts.${first.id}`] }, "subscribed", "error")
    expect(subscribed).toEqual({ type: "subscribed", subscriptions: ["posts.*", `posts.${first.id}`] })
    const pb = await sdk.make(server)
    const sse = new EventCollector<RecordEventData>("sse posts/*")
    await pb.collection("posts").subscribe("*", sse.push)

    const created = await server.admin.collection("posts").create({ title: "one" })
    await server.admin.collection("posts").update(first.id, { title: "changed" })
    await server.admin.collection("posts").delete(created.id)
    await sse.find(about("delete", created.id), "the delete")
    await waitFor(() => socket.events().length >= 4, 3000, "four WebSocket events")

    const event = socket.events()[0]
    expect(Object.keys(event).sort()).toEqual(["action", "collection", "id", "record", "timestamp", "topic", "type"])
    expect(event.id).toMatch(/^\d+$/)
    expect(event).toMatchObject({ type: "record_event", topic: "posts.*", collection: "posts", action: "create", record: { id: created.id, title: "one" } })
    expect(event.timestamp).toMatch(ISO_UTC)
    const wsAll = socket.events().filter((e) => e.topic === "posts.*").map((e) => [e.action, e.record])
    expect(wsAll).toEqual(sse.all.map((e) => [e.action, e.record]))
    expect(socket.events().filter((e) => e.topic === `posts.${first.id}`).map((e) => e.action)).toEqual(["update"])
  })

  it("resumes from lastEventId: the missed events in order after a resume message, then live ones", async () => {
    const first = await open()
    await first.request({ type: "subscribe", subscriptions: ["posts.*"] }, "subscribed")
    const seen = await server.admin.collection("posts").create({ title: "seen" })
    const cursor = (await first.messages.find((m) => m.record?.id === seen.id, "the seen post")).id
    first.close()
    const missed = [await server.admin.collection("posts").create({ title: "missed 1" }), await server.admin.collection("posts").create({ title: "missed 2" })]
    const again = await open()
    await again.request({ type: "subscribe", subscriptions: ["posts.*"], lastEventId: cursor }, "subscribed")
    const live = await server.admin.collection("posts").create({ title: "live" })
    await again.messages.find((m) => m.record?.id === live.id, "the live post")
    const after = again.messages.all.filter((m) => m.type === "resume" || m.type === "record_event")
    expect(after[0]).toMatchObject({ type: "resume", from: cursor, replayed: 2, complete: true })
    expect(after.slice(1).map((m) => m.record.title)).toEqual(["missed 1", "missed 2", "live"])
    expect(after.slice(1, 3).map((m) => m.record.id)).toEqual(missed.map((r) => r.id))
    const bad = await open()
    await bad.request({ type: "subscribe", subscriptions: ["posts.*"], lastEventId: "not-a-cursor" }, "subscribed")
    expect(await bad.messages.find((m) => m.type === "resume", "the resume outcome")).toMatchObject({ replayed: 0, complete: false })
  })

  it("gives a user no event for a record its rules forbid, and its own", async () => {
    const annSocket = await open("ann")
    const bobSocket = await open("bob")
    await annSocket.request({ type: "auth", token: annToken }, "auth")
    await bobSocket.request({ type: "auth", token: bobToken }, "auth")
    expect((await annSocket.request({ type: "subscribe", subscriptions: ["*"] }, "subscribed", "error")).type).toBe("subscribed")
    await bobSocket.request({ type: "subscribe", subscriptions: ["*", "notes.*"] }, "subscribed")
    const secret = await server.admin.collection("notes").create({ text: "ann only", owner: ann.id })
    await server.admin.collection("secrets").create({ text: "superusers only" })
    const later = await server.admin.collection("posts").create({ title: "later" })
    for (const socket of [annSocket, bobSocket]) await socket.messages.find((m) => m.record?.id === later.id, "the later post")
    expect(annSocket.events().filter((e) => e.collection === "notes").map((e) => e.record.id)).toEqual([secret.id])
    expect(annSocket.events().find((e) => e.record.id === secret.id).topic).toBe("*")
    expect(bobSocket.events().filter((e) => e.collection !== "posts")).toEqual([])
  })

  it("gives a superuser every collection under `*`", async () => {
    const socket = await open()
    await socket.request({ type: "auth", token: server.admin.authStore.token }, "auth")
    await socket.request({ type: "subscribe", subscriptions: ["*"] }, "subscribed")
    const secret = await server.admin.collection("secrets").create({ text: "for admins" })
    expect((await socket.messages.find((m) => m.record?.id === secret.id, "the secret")).collection).toBe("secrets")
  })

  it("delivers custom messages as `message`", async () => {
    const socket = await open()
    await socket.request({ type: "subscribe", subscriptions: ["news"] }, "subscribed")
    server.app.services.realtime.publish("news", { text: "hello" })
    expect(await socket.messages.find((m) => m.type === "message", "the message")).toEqual({ type: "message", topic: "news", data: { text: "hello" }, id: expect.stringMatching(/^\d+$/) })
  })

  it("answers invalid subscriptions with the POST's errors and enforces the per-connection limits", async () => {
    const socket = await open()
    expect(await socket.request({ type: "subscribe", subscriptions: "posts" }, "subscribed", "error")).toEqual({
      type: "error", status: 400, message: "Something went wrong while processing your request.", data: {},
    })
    const long = await socket.request({ type: "subscribe", subscriptions: ["x".repeat(2501)] }, "subscribed", "error")
    expect(long).toMatchObject({ status: 400, data: { subscriptions: { "0": { code: "validation_length_too_long" } } } })
    const many = await socket.request({ type: "subscribe", subscriptions: ["a", "b", "c", "d", "e", "f"] }, "subscribed", "error")
    expect(many).toMatchObject({ type: "error", status: 400 })
    expect((await socket.request({ type: "subscribe", subscriptions: ["a"] }, "subscribed", "error")).type).toBe("subscribed")
    const limited = await socket.request({ type: "subscribe", subscriptions: ["b"] }, "subscribed", "error")
    expect(limited).toMatchObject({ type: "error", status: 429 })
  })

  it("refuses more connections per user on auth and more per IP on upgrade with 429", async () => {
    // bob already holds one socket from an earlier test; the limit is 3.
    const mine = [await open(), await open(), await open()]
    for (const socket of mine.slice(0, 2)) expect((await socket.request({ type: "auth", token: bobToken }, "auth", "error")).type).toBe("auth")
    expect(await mine[2]!.request({ type: "auth", token: bobToken }, "auth", "error")).toMatchObject({ type: "error", status: 429 })
    mine[0]!.close()
    await waitFor(async () => (await mine[2]!.request({ type: "auth", token: bobToken }, "auth", "error")).type === "auth", 3000, "a freed slot")

    const upgrades: Response[] = []
    for (let i = 0; i < 40; i++) upgrades.push(await fetch(`${server.url}/api/realtime/ws`, { headers: { upgrade: "websocket", connection: "upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } }))
    expect(upgrades.some((r) => r.status === 429)).toBe(true)
  })
})
