/**
 * Resume after a reconnect (pocketbun only; PocketBase has none): record and custom frames carry
 * a cursor as their SSE id; a client that reconnects with it (`Last-Event-ID` or `?lastEventId=`)
 * gets `PB_RESUME` right after its first POST, then what it missed (judged with its current
 * auth), then live events, none twice; bad or old cursors say `complete: false`; clients without
 * a cursor see no difference. The SDK opt-in resumes the official SDK across a cut connection.
 */
import { afterEach, describe, expect, it } from "bun:test"
import PocketBase from "pocketbase"
import { EventSource } from "eventsource"
import { resumeRealtime, type ResumeReport } from "pocketbun/sdk-resume"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { createUser, EventCollector, openRawStream, postRealtime, SdkClients, waitFor, type RawStream, type RecordEventData } from "../support/realtime.ts"

const OPEN = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" }

describe("realtime resume (pocketbun)", () => {
  let server: PocketbunServer | null = null
  const streams: RawStream[] = []
  const sdk = new SdkClients()

  afterEach(async () => {
    for (const s of streams.splice(0)) await s.close()
    await sdk.closeAll()
    await server?.stop()
    server = null
  })

  async function start(overrides: Parameters<typeof startPocketbun>[0] = {}): Promise<PocketbunServer> {
    server = await startPocketbun(overrides)
    await server.admin.collections.create({ name: "notes", ...OPEN, fields: [{ name: "title", type: "text" }] })
    return server
  }

  const note = async (title: string) => (await server!.admin.collection("notes").create({ title })).id as string

  /** Opens a raw stream (with `headers`, or `query` like `a=b`), subscribes and returns it. */
  async function subscribed(subscriptions: string[], options: { headers?: Record<string, string>; query?: string; token?: string } = {}): Promise<RawStream> {
    const stream = await openRawStream(server!.url, { headers: options.headers }, options.query === undefined ? "" : `?${options.query}`)
    streams.push(stream)
    expect((await postRealtime(server!.url, { clientId: stream.clientId, subscriptions }, { token: options.token })).status).toBe(204)
    return stream
  }

  /** The cursor of the last frame whose data mentions `id`. */
  const cursorOf = (stream: RawStream, id: string) => stream.reader.frames().findLast((f) => f.data.includes(id))!.id

  it("replays what a client missed after PB_RESUME, in commit order, then live events, none twice", async () => {
    await start()
    const first = await subscribed(["notes/*", "news"])
    const seen = await note("seen")
    await first.reader.until((t) => t.includes(seen), "the first note")
    const cursor = cursorOf(first, seen)
    expect(cursor).toMatch(/^\d+$/)
    await first.close()

    const missed = [await note("missed 1"), await note("missed 2")]
    server!.app.services.realtime.publish("news", { text: "missed news" })
    await server!.admin.collection("notes").update(missed[0]!, { title: "missed 1b" })

    const again = await subscribed(["notes/*", "news"], { headers: { "Last-Event-ID": cursor } })
    const live = await note("live")
    await again.reader.until((t) => t.includes(live), "the live note")
    const frames = again.reader.frames()
    expect(frames[1]!.event).toBe("PB_RESUME")
    expect(JSON.parse(frames[1]!.data)).toEqual({ from: cursor, replayed: 4, complete: true })
    const after = frames.slice(2)
    expect(after.map((f) => [f.event, JSON.parse(f.data).action ?? "custom", JSON.parse(f.data).record?.id ?? JSON.parse(f.data).text])).toEqual([
      ["notes/*", "create", missed[0]],
      ["notes/*", "create", missed[1]],
      ["news", "custom", "missed news"],
      ["notes/*", "update", missed[0]],
      ["notes/*", "create", live],
    ])
    const ids = after.map((f) => Number(f.id))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids[0]).toBeGreaterThan(Number(cursor))
  })

  it("takes the cursor from ?lastEventId= too, and replays only what the new subscriptions match", async () => {
    await start()
    const first = await subscribed(["notes/*"])
    const seen = await note("seen")
    await first.reader.until((t) => t.includes(seen), "the first note")
    const cursor = cursorOf(first, seen)
    await first.close()
    const missed = await note("missed")
    await server!.admin.collection("notes").update(seen, { title: "seen b" })

    const again = await subscribed([`notes/${missed}`], { query: `lastEventId=${cursor}` })
    await again.reader.until((t) => t.includes("PB_RESUME") && t.includes(missed), "the replay")
    const frames = again.reader.frames()
    expect(JSON.parse(frames[1]!.data)).toEqual({ from: cursor, replayed: 1, complete: true })
    expect(frames.slice(2).map((f) => JSON.parse(f.data).record.id)).toEqual([missed])
  })

  it("answers complete:false and replays nothing for malformed, unknown and too old cursors", async () => {
    await start({ realtimeResumeEvents: 3, realtimeResumeWindow: 0 })
    const first = await subscribed(["notes/*"])
    const seen = await note("seen")
    await first.reader.until((t) => t.includes(seen), "the first note")
    const cursor = cursorOf(first, seen)
    await first.close()
    for (let i = 0; i < 6; i++) await note(`later ${i}`)

    for (const bad of ["not-a-cursor", "99999999", cursor, ""]) {
      const again = await subscribed(["notes/*"], { headers: { "Last-Event-ID": bad } })
      await again.reader.until((t) => t.includes("PB_RESUME"), `PB_RESUME for ${JSON.stringify(bad)}`)
      const frames = again.reader.frames()
      expect(frames[1]!.event).toBe("PB_RESUME")
      expect(JSON.parse(frames[1]!.data)).toEqual({ from: bad, replayed: 0, complete: false })
      const live = await note("live")
      await again.reader.until((t) => t.includes(live), "the live note")
      expect(again.reader.frames().slice(2).map((f) => JSON.parse(f.data).record.id)).toEqual([live])
    }
  })

  it("sends no PB_RESUME to clients without a cursor", async () => {
    await start()
    const plain = await subscribed(["notes/*"])
    const id = await note("one")
    await plain.reader.until((t) => t.includes(id), "the note")
    expect(plain.reader.frames().map((f) => f.event)).toEqual(["PB_CONNECT", "notes/*"])
  })

  it("never replays an event the client's current auth may not see (rules checked now)", async () => {
    await start()
    const { admin } = server!
    const ann = await createUser(admin, "ann@example.com")
    const bob = await createUser(admin, "bob@example.com")
    await admin.collections.create({
      name: "secrets",
      listRule: "owner = @request.auth.id",
      viewRule: "owner = @request.auth.id",
      fields: [{ name: "owner", type: "relation", collectionId: (await admin.collections.getOne("users")).id, maxSelect: 1 }, { name: "text", type: "text" }],
    })
    const annPb = new PocketBase(server!.url)
    await annPb.collection("users").authWithPassword(ann.email, ann.password)
    const bobPb = new PocketBase(server!.url)
    await bobPb.collection("users").authWithPassword(bob.email, bob.password)

    const first = await subscribed(["secrets/*"], { token: annPb.authStore.token })
    const mine = await admin.collection("secrets").create({ owner: ann.id, text: "ann 1" })
    await first.reader.until((t) => t.includes(mine.id), "ann's first secret")
    const cursor = cursorOf(first, mine.id)
    await first.close()
    const annSecret = await admin.collection("secrets").create({ owner: ann.id, text: "ann 2" })
    const bobSecret = await admin.collection("secrets").create({ owner: bob.id, text: "bob 1" })

    // A guest, then Bob, resume from Ann's cursor: neither gets Ann's secrets.
    const guest = await subscribed(["secrets/*"], { headers: { "Last-Event-ID": cursor } })
    await guest.reader.until((t) => t.includes("PB_RESUME"), "the guest's PB_RESUME")
    expect(JSON.parse(guest.reader.frames()[1]!.data)).toEqual({ from: cursor, replayed: 0, complete: true })
    const asBob = await subscribed(["secrets/*"], { headers: { "Last-Event-ID": cursor }, token: bobPb.authStore.token })
    await asBob.reader.until((t) => t.includes(bobSecret.id), "Bob's secret")
    expect(JSON.parse(asBob.reader.frames()[1]!.data)).toEqual({ from: cursor, replayed: 1, complete: true })
    expect(asBob.reader.text).not.toContain(annSecret.id)
    expect(guest.reader.text).not.toContain(annSecret.id)
    expect(guest.reader.text).not.toContain(bobSecret.id)

    // Ann's rights are revoked before she resumes: the rule as it is now decides.
    await admin.collections.update("secrets", { listRule: "owner = @request.auth.id && text = 'none'" })
    const annAgain = await subscribed(["secrets/*"], { headers: { "Last-Event-ID": cursor }, token: annPb.authStore.token })
    await annAgain.reader.until((t) => t.includes("PB_RESUME"), "Ann's PB_RESUME")
    expect(JSON.parse(annAgain.reader.frames()[1]!.data)).toEqual({ from: cursor, replayed: 0, complete: true })
    expect(annAgain.reader.text).not.toContain(annSecret.id)
  })

  it("lets a plain EventSource resume by itself: it sends Last-Event-ID when it reconnects", async () => {
    await start()
    const source = new EventSource(`${server!.url}/api/realtime`)
    const received: Array<{ event: string; id: string; data: string }> = []
    try {
      source.addEventListener("PB_CONNECT", (e) => {
        const clientId = (e as MessageEvent).lastEventId
        void postRealtime(server!.url, { clientId, subscriptions: ["notes/*"] })
      })
      for (const name of ["notes/*", "PB_RESUME"]) {
        source.addEventListener(name, (e) => void received.push({ event: name, id: (e as MessageEvent).lastEventId, data: (e as MessageEvent).data }))
      }
      const hub = server!.app.services.realtime.hub
      await waitFor(() => [...hub.clients().values()].some((c) => c.subscriptionCount > 0), 5000, "the subscription")
      const seen = await note("seen")
      await waitFor(() => received.some((r) => r.data.includes(seen)), 5000, "the first note")
      // The server ends the stream; EventSource reconnects on its own after its retry delay.
      for (const client of hub.clients().values()) hub.unregister(client.id)
      const missed = await note("missed")
      await waitFor(() => received.some((r) => r.event === "PB_RESUME"), 10_000, "PB_RESUME after EventSource's own reconnect")
      await waitFor(() => received.some((r) => r.data.includes(missed)), 5000, "the missed note")
      const resume = received.find((r) => r.event === "PB_RESUME")!
      expect(JSON.parse(resume.data)).toMatchObject({ replayed: 1, complete: true })
      expect(received.filter((r) => r.event === "notes/*").map((r) => JSON.parse(r.data).record.id)).toEqual([seen, missed])
    } finally {
      source.close()
    }
  }, 20_000)

  it("resumes the official SDK with the opt-in helper across a cut connection while writes go on: 0 missed", async () => {
    await start()
    const pb = await sdk.make(server!)
    const reports: ResumeReport[] = []
    resumeRealtime(pb, { onResume: (report) => reports.push(report) })
    const events = new EventCollector<RecordEventData>("sdk notes/*")
    await pb.collection("notes").subscribe("*", events.push)

    const created: string[] = []
    let writing = true
    const writer = (async () => {
      while (writing) {
        created.push(await note(`n${created.length}`))
        await Bun.sleep(5)
      }
    })()
    await waitFor(() => events.all.length >= 5, 5000, "the first events")
    // Cut the stream server-side, as a network drop or a slow-client disconnect would.
    const hub = server!.app.services.realtime.hub
    const [client] = hub.clients().values()
    hub.unregister(client!.id)
    await waitFor(() => reports.length === 1, 5000, "the SDK to reconnect and resume")
    const atResume = created.length
    await waitFor(() => created.length >= atResume + 20, 10_000, "writes after the resume")
    writing = false
    await writer
    const last = created[created.length - 1]!
    await events.find((e) => e.record.id === last, "the last note")

    expect(reports[0]!.complete).toBe(true)
    const received = events.all.map((e) => e.record.id)
    expect(received).toEqual(created)
  }, 30_000)
})
