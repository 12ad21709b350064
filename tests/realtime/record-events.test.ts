/**
 * Record events through the SDK: `*` and id topics, create/update/delete payloads, unsubscribe
 * one / by topic / all, the filter, expand and fields options, overlapping subscriptions and
 * independent clients. Runs against pocketbun and, where installed, the reference PocketBase.
 *
 * PocketBase does not promise the order of messages to one client, so every test waits for each
 * event before causing the next; a "never arrives" check always waits for a later event first.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import type PocketBase from "pocketbase"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { about, EventCollector, isEventFrameId, openRawStream, postRealtime, SdkClients, waitFor, type RawStream, type RecordEventData, closeAfterEach } from "../support/realtime.ts"

const OPEN = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" }

for (const target of conformanceTargets()) {
  describe(`realtime record events (${target.name})`, () => {
    let server: TestServer
    let postsId: string
    let ann: string
    const sdk = new SdkClients()
    const streams: RawStream[] = []

    beforeAll(async () => {
      server = await target.start()
      const authors = await server.admin.collections.create({ name: "authors", ...OPEN, fields: [{ name: "name", type: "text" }] })
      const posts = await server.admin.collections.create({
        name: "posts",
        ...OPEN,
        fields: [
          { name: "title", type: "text" },
          { name: "n", type: "number" },
          { name: "author", type: "relation", collectionId: authors.id, maxSelect: 1 },
        ],
      })
      postsId = posts.id
      await server.admin.collections.create({ name: "others", ...OPEN, fields: [{ name: "title", type: "text" }] })
      ann = (await server.admin.collection("authors").create({ name: "Ann" })).id
    }, 30_000)
    closeAfterEach(streams, sdk)
    afterAll(async () => {
      await server?.stop()
    })

    const create = (collection: string, data: Record<string, unknown>) => server.admin.collection(collection).create(data)

    it("delivers create, update and delete to `*` and id subscribers, and nothing to another collection's", async () => {
      const pb = await sdk.make(server)
      const all = new EventCollector<RecordEventData>("posts/*")
      const others = new EventCollector<RecordEventData>("others/*")
      await pb.collection("posts").subscribe("*", all.push)
      await pb.collection("others").subscribe("*", others.push)
      const post = await create("posts", { title: "hello", n: 1, author: ann })
      const created = await all.next()
      expect(created.action).toBe("create")
      expect(created.record).toEqual({ id: post.id, collectionId: postsId, collectionName: "posts", title: "hello", n: 1, author: ann })

      const byId = new EventCollector<RecordEventData>(`posts/${post.id}`)
      await pb.collection("posts").subscribe(post.id, byId.push)
      await server.admin.collection("posts").update(post.id, { title: "changed" })
      expect(await all.next()).toMatchObject({ action: "update", record: { id: post.id, title: "changed" } })
      expect(await byId.next()).toMatchObject({ action: "update", record: { id: post.id, title: "changed" } })
      await server.admin.collection("posts").delete(post.id)
      expect(await all.next()).toMatchObject({ action: "delete", record: { id: post.id, title: "changed", n: 1 } })
      expect(await byId.next()).toMatchObject({ action: "delete", record: { id: post.id } })

      const other = await create("others", { title: "sentinel" })
      expect(await others.next()).toMatchObject({ action: "create", record: { id: other.id } })
      expect(all.pending).toEqual([])
      expect(byId.pending).toEqual([])
    })

    it("an id topic ignores other records of the collection", async () => {
      const pb = await sdk.make(server)
      const first = await create("posts", { title: "watched" })
      const watched = new EventCollector<RecordEventData>("posts/<id>")
      await pb.collection("posts").subscribe(first.id, watched.push)
      await create("posts", { title: "not watched" })
      await server.admin.collection("posts").update(first.id, { n: 2 })
      expect(await watched.next()).toMatchObject({ action: "update", record: { id: first.id, n: 2 } })
      expect(watched.pending).toEqual([])
    })

    it("an unsubscribe function removes one listener and keeps the others", async () => {
      const pb = await sdk.make(server)
      const kept = new EventCollector<RecordEventData>("kept listener")
      const dropped = new EventCollector<RecordEventData>("dropped listener")
      await pb.collection("posts").subscribe("*", kept.push)
      const unsubscribe = await pb.collection("posts").subscribe("*", dropped.push)
      const a = await create("posts", { title: "a" })
      await kept.find(about("create", a.id), "create a")
      await dropped.find(about("create", a.id), "create a")
      await unsubscribe()
      const b = await create("posts", { title: "b" })
      await kept.find(about("create", b.id), "create b")
      expect(dropped.all.map((e) => e.record.id)).toEqual([a.id])
    })

    it("unsubscribing a topic stops its events and keeps the connection for the rest", async () => {
      const pb = await sdk.make(server)
      const posts = new EventCollector<RecordEventData>("posts/*")
      const others = new EventCollector<RecordEventData>("others/*")
      await pb.collection("posts").subscribe("*", posts.push)
      await pb.collection("others").subscribe("*", others.push)
      const clientId = pb.realtime.clientId
      await pb.collection("posts").unsubscribe("*")
      await create("posts", { title: "after unsubscribe" })
      const sentinel = await create("others", { title: "sentinel" })
      await others.find(about("create", sentinel.id), "the sentinel")
      expect(posts.all).toEqual([])
      expect(pb.realtime.clientId).toBe(clientId)
    })

    it("unsubscribing everything closes the connection; subscribing again opens a new one", async () => {
      const pb = await sdk.make(server)
      const before = new EventCollector<RecordEventData>("posts/* before")
      await pb.collection("posts").subscribe("*", before.push)
      await pb.collection("others").subscribe("*", before.push)
      const firstId = pb.realtime.clientId
      await pb.realtime.unsubscribe()
      expect(pb.realtime.clientId).toBe("")
      expect(pb.realtime.isConnected).toBe(false)
      await create("posts", { title: "while disconnected" })
      const after = new EventCollector<RecordEventData>("posts/* after")
      await pb.collection("posts").subscribe("*", after.push)
      expect(pb.realtime.clientId).not.toBe(firstId)
      const post = await create("posts", { title: "reconnected" })
      expect(await after.next()).toMatchObject({ action: "create", record: { id: post.id } })
      expect(before.all).toEqual([])
    })

    it("applies the filter option to create, update and delete, without a leave event", async () => {
      const pb = await sdk.make(server)
      const big = new EventCollector<RecordEventData>("posts/* filter n > 5")
      const all = new EventCollector<RecordEventData>("posts/*")
      await pb.collection("posts").subscribe("*", big.push, { filter: "n > 5" })
      await pb.collection("posts").subscribe("*", all.push)
      const small = await create("posts", { title: "small", n: 1 })
      await all.find(about("create", small.id), "the small post")
      const large = await create("posts", { title: "large", n: 9 })
      expect(await big.next()).toMatchObject({ action: "create", record: { id: large.id } })
      await server.admin.collection("posts").update(large.id, { n: 2 })
      await all.find(about("update", large.id), "the large post turning small")
      await server.admin.collection("posts").update(small.id, { n: 7 })
      expect(await big.next()).toMatchObject({ action: "update", record: { id: small.id, n: 7 } })
      await server.admin.collection("posts").delete(small.id)
      expect(await big.next()).toMatchObject({ action: "delete", record: { id: small.id } })
      await server.admin.collection("posts").delete(large.id)
      await all.find(about("delete", large.id), "the deletion of the post that no longer matches")
      expect(big.pending).toEqual([])
    })

    it("expands relations and picks fields per subscription", async () => {
      const pb = await sdk.make(server)
      const expanded = new EventCollector<RecordEventData>("posts/* expand author")
      const picked = new EventCollector<RecordEventData>("posts/* fields")
      await pb.collection("posts").subscribe("*", expanded.push, { expand: "author" })
      await pb.collection("posts").subscribe("*", picked.push, { fields: "id,title,expand.author.name", expand: "author" })
      const post = await create("posts", { title: "with author", n: 3, author: ann })
      const full = await expanded.next()
      expect(full.record).toMatchObject({ id: post.id, title: "with author", author: ann })
      expect(full.record.expand.author).toMatchObject({ id: ann, name: "Ann", collectionName: "authors" })
      const small = await picked.next()
      expect(small).toEqual({ action: "create", record: { id: post.id, title: "with author", expand: { author: { name: "Ann" } } } })
    })

    it("sends one frame per matching subscription, each named after its own key", async () => {
      const stream = await openRawStream(server.url)
      streams.push(stream)
      const post = await create("posts", { title: "overlap", n: 10 })
      const options = `posts/*?options=${encodeURIComponent(JSON.stringify({ query: { fields: "id" } }))}`
      const keys = ["posts/*", options, `posts/${post.id}`, `${postsId}/*`, "posts", "Posts/*", "posts_old/*", `posts/${post.id}x`]
      expect((await postRealtime(server.url, { clientId: stream.clientId, subscriptions: keys })).status).toBe(204)
      await server.admin.collection("posts").update(post.id, { n: 11 })
      await stream.reader.until((t) => t.split(`"id":"${post.id}"`).length - 1 >= 5, "five frames for one update")
      const sentinel = await create("others", { title: "sentinel" })
      expect((await postRealtime(server.url, { clientId: stream.clientId, subscriptions: [...keys, "others/*"] })).status).toBe(204)
      await server.admin.collection("others").update(sentinel.id, { title: "sentinel 2" })
      await stream.reader.until((t) => t.includes(sentinel.id), "the sentinel")
      const frames = stream.reader.frames().slice(1)
      expect(frames.map((f) => f.event).sort()).toEqual(["others/*", "posts", "posts/*", options, `posts/${post.id}`, `${postsId}/*`].sort())
      expect(frames.every((f) => isEventFrameId(target.name, f.id, stream.clientId))).toBe(true)
      expect(JSON.parse(frames.find((f) => f.event === options)!.data)).toEqual({ action: "update", record: { id: post.id } })
      expect(JSON.parse(frames.find((f) => f.event === "posts/*")!.data)).toMatchObject({ action: "update", record: { id: post.id, n: 11, collectionName: "posts" } })
    })

    it("keeps several clients independent", async () => {
      const [one, two, three] = await Promise.all([sdk.make(server), sdk.make(server), sdk.make(server)])
      const onePosts = new EventCollector<RecordEventData>("client 1 posts/*")
      const twoOthers = new EventCollector<RecordEventData>("client 2 others/*")
      const threeBoth = new EventCollector<RecordEventData>("client 3 posts/* + others/*")
      await one!.collection("posts").subscribe("*", onePosts.push)
      await two!.collection("others").subscribe("*", twoOthers.push)
      await three!.collection("posts").subscribe("*", threeBoth.push)
      await three!.collection("others").subscribe("*", threeBoth.push)
      const post = await create("posts", { title: "p" })
      const other = await create("others", { title: "o" })
      await threeBoth.find(about("create", post.id), "the post on client 3")
      await threeBoth.find(about("create", other.id), "the other on client 3")
      expect((await onePosts.next()).record.id).toBe(post.id)
      expect((await twoOthers.next()).record.id).toBe(other.id)
      // Closing one client leaves the others subscribed.
      await one!.realtime.unsubscribe()
      const later = await create("posts", { title: "later" })
      await threeBoth.find(about("create", later.id), "the later post on client 3")
      expect(onePosts.pending).toEqual([])
      expect(twoOthers.pending).toEqual([])
    })

    it("sends nothing for writes that fail: an invalid create and a delete blocked by a required reference", async () => {
      await server.admin.collections.create({
        name: "pins",
        ...OPEN,
        fields: [
          { name: "post", type: "relation", collectionId: postsId, maxSelect: 1, required: true, cascadeDelete: false },
          { name: "code", type: "text", pattern: "^[a-z]+$" },
        ],
      })
      const post = await create("posts", { title: "pinned" })
      await create("pins", { post: post.id, code: "ok" })
      const pb = await sdk.make(server)
      const posts = new EventCollector<RecordEventData>("posts/*")
      const pins = new EventCollector<RecordEventData>("pins/*")
      await pb.collection("posts").subscribe("*", posts.push)
      await pb.collection("pins").subscribe("*", pins.push)
      const invalid = await create("pins", { post: post.id, code: "NOT VALID" }).then(() => null, (error) => error)
      expect(invalid?.status).toBe(400)
      const blocked = await server.admin.collection("posts").delete(post.id).then(() => null, (error) => error)
      expect(blocked?.status).toBe(400)
      const sentinel = await create("posts", { title: "sentinel" })
      await posts.find(about("create", sentinel.id), "the sentinel")
      expect(posts.all.map((e) => `${e.action}:${e.record.id}`)).toEqual([`create:${sentinel.id}`])
      expect(pins.all).toEqual([])
    })

    it("sends delete events for records removed by a cascade", async () => {
      await server.admin.collections.create({
        name: "comments",
        ...OPEN,
        fields: [
          { name: "text", type: "text" },
          { name: "post", type: "relation", collectionId: postsId, maxSelect: 1, cascadeDelete: true },
        ],
      })
      const post = await create("posts", { title: "with comments" })
      const c1 = await create("comments", { text: "one", post: post.id })
      const c2 = await create("comments", { text: "two", post: post.id })
      const pb = await sdk.make(server)
      const comments = new EventCollector<RecordEventData>("comments/*")
      const posts = new EventCollector<RecordEventData>("posts/*")
      await pb.collection("comments").subscribe("*", comments.push)
      await pb.collection("posts").subscribe("*", posts.push)
      await server.admin.collection("posts").delete(post.id)
      await posts.find(about("delete", post.id), "the post's delete")
      await comments.find(about("delete", c1.id), "the first comment's cascade delete")
      await comments.find(about("delete", c2.id), "the second comment's cascade delete")
      expect(comments.all.find(about("delete", c1.id))!.record).toMatchObject({ text: "one", post: post.id })
    })

    it("an update that changes nothing still emits, and an id topic subscribed before the create receives it", async () => {
      const pb = await sdk.make(server)
      const id = "presetid0000001"
      const byId = new EventCollector<RecordEventData>(`posts/${id}`)
      await pb.collection("posts").subscribe(id, byId.push)
      await create("posts", { id, title: "same" })
      expect(await byId.next()).toMatchObject({ action: "create", record: { id, title: "same" } })
      await server.admin.collection("posts").update(id, { title: "same" })
      expect(await byId.next()).toMatchObject({ action: "update", record: { id, title: "same" } })
    })

    it("expands and picks fields on delete events too", async () => {
      const post = await create("posts", { title: "bye", author: ann })
      const pb = await sdk.make(server)
      const events = new EventCollector<RecordEventData>("posts/<id> expand + fields")
      await pb.collection("posts").subscribe(post.id, events.push, { expand: "author", fields: "id,expand.author.name,title:excerpt(2,true)" })
      await server.admin.collection("posts").delete(post.id)
      expect(await events.next()).toEqual({ action: "delete", record: { id: post.id, title: "by...", expand: { author: { name: "Ann" } } } })
    })

    it("sends each field type exactly as the records API renders it", async () => {
      await server.admin.collections.create({
        name: "kinds",
        ...OPEN,
        fields: [
          { name: "text", type: "text" },
          { name: "num", type: "number" },
          { name: "flag", type: "bool" },
          { name: "mail", type: "email" },
          { name: "link", type: "url" },
          { name: "when", type: "date" },
          { name: "choice", type: "select", values: ["a", "b", "c"], maxSelect: 1 },
          { name: "choices", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
          { name: "data", type: "json" },
          { name: "rich", type: "editor" },
          { name: "authors", type: "relation", collectionId: (await server.admin.collections.getOne("authors")).id, maxSelect: 5 },
          { name: "point", type: "geoPoint" },
          { name: "created", type: "autodate", onCreate: true, onUpdate: false },
          { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
        ],
      })
      const pb = await sdk.make(server)
      const events = new EventCollector<RecordEventData>("kinds/*")
      await pb.collection("kinds").subscribe("*", events.push)
      const record = await create("kinds", {
        text: "t <&> \u2028",
        num: 1.5,
        flag: true,
        mail: "x@example.com",
        link: "https://example.com/a?b=c",
        when: "2024-01-02 03:04:05.678Z",
        choice: "b",
        choices: ["c", "a"],
        data: { nested: [1, "two", null], html: "<b>" },
        rich: "<p>hi</p>",
        authors: [ann],
        point: { lon: 1.25, lat: -2.5 },
      })
      const created = await events.next()
      expect(created.record).toEqual(await server.admin.collection("kinds").getOne(record.id))
      await server.admin.collection("kinds").update(record.id, { "choices+": "b", "num+": 1, data: null })
      const updated = await events.next()
      expect(updated.record).toEqual(await server.admin.collection("kinds").getOne(record.id))
      expect(updated.record).toMatchObject({ choices: ["c", "a", "b"], num: 2.5, data: null })
    })

    it("ends with the right set after a burst of subscribes and unsubscribes that cancels POSTs in flight", async () => {
      const pb = await sdk.make(server)
      // The SDK's default: a newer realtime POST aborts the one still in flight.
      pb.autoCancellation(true)
      const names = ["posts", "others", "authors"]
      const collectors = new Map(names.map((n) => [n, new EventCollector<RecordEventData>(`${n}/*`)]))
      const unsubscribers = await Promise.all(names.map((n) => pb.collection(n).subscribe("*", collectors.get(n)!.push)))
      await Promise.all([unsubscribers[0]!(), unsubscribers[2]!()])
      await pb.collection("authors").subscribe("*", collectors.get("authors")!.push)
      const post = await create("posts", { title: "unwatched" })
      const author = await create("authors", { name: "watched" })
      const other = await create("others", { title: "watched" })
      await collectors.get("authors")!.find(about("create", author.id), "the author")
      await collectors.get("others")!.find(about("create", other.id), "the other")
      expect(collectors.get("posts")!.all.some((e) => e.record.id === post.id)).toBe(false)
    })

    it("delivers records created by many writers to many clients, each exactly once", async () => {
      const clients: PocketBase[] = await Promise.all(Array.from({ length: 5 }, () => sdk.make(server)))
      const collectors = clients.map((_, i) => new EventCollector<RecordEventData>(`client ${i}`))
      await Promise.all(clients.map((pb, i) => pb.collection("posts").subscribe("*", collectors[i]!.push)))
      const created = await Promise.all(Array.from({ length: 10 }, (_, i) => create("posts", { title: `burst ${i}` })))
      const ids = created.map((r) => r.id).sort()
      for (const c of collectors) {
        await waitFor(() => c.all.length >= 10, 5000, "ten creates on every client")
        expect(c.all.map((e) => e.record.id).sort()).toEqual(ids)
      }
    })
  })
}
