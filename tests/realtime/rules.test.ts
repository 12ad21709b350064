/**
 * Who sees which record event: listRule for `*` topics and viewRule for id topics, judged with each
 * subscriber's own auth (two users and a guest) for create, update and delete; superuser-only
 * collections, hidden fields, email visibility, restricted filters and rule-checked expands.
 * Runs against pocketbun and, where installed, the reference PocketBase.
 *
 * A client that must not see an event is checked after a later "ping" (an open collection every
 * client also watches) has reached it, so the forbidden event had every chance to arrive first.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { about, createUser, EventCollector, eventWatchers, SdkClients, type RecordEventData, type TestUser } from "../support/realtime.ts"

for (const target of conformanceTargets()) {
  describe(`realtime rules (${target.name})`, () => {
    let server: TestServer
    let ann: TestUser
    let bob: TestUser
    const sdk = new SdkClients()
    const { watch, ping, createPings } = eventWatchers(() => server, sdk)

    beforeAll(async () => {
      server = await target.start()
      ann = await createUser(server.admin, "ann@example.com", { name: "Ann" })
      bob = await createUser(server.admin, "bob@example.com", { name: "Bob" })
      await createPings()
      await server.admin.collections.create({
        name: "docs",
        listRule: "owner = @request.auth.id",
        viewRule: "owner = @request.auth.id || public = true",
        fields: [
          { name: "title", type: "text" },
          { name: "public", type: "bool" },
          { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
        ],
      })
    }, 30_000)
    afterEach(async () => {
      await sdk.closeAll()
    })
    afterAll(async () => {
      await server?.stop()
    })

    it("listRule: each user sees only its own docs on create, update and delete; the guest sees none", async () => {
      const a = await watch("ann", ann, "docs", "*")
      const b = await watch("bob", bob, "docs", "*")
      const guest = await watch("guest", null, "docs", "*")
      const doc = await server.admin.collection("docs").create({ title: "ann's", owner: ann.id })
      expect(await a.events.next()).toMatchObject({ action: "create", record: { id: doc.id, owner: ann.id } })
      await server.admin.collection("docs").update(doc.id, { title: "ann's, edited" })
      expect(await a.events.next()).toMatchObject({ action: "update", record: { id: doc.id, title: "ann's, edited" } })
      // Handing the doc to Bob: judged on the new state, so Bob sees the update and Ann gets no "leave".
      await server.admin.collection("docs").update(doc.id, { owner: bob.id })
      expect(await b.events.next()).toMatchObject({ action: "update", record: { id: doc.id, owner: bob.id } })
      await server.admin.collection("docs").delete(doc.id)
      expect(await b.events.next()).toMatchObject({ action: "delete", record: { id: doc.id, owner: bob.id } })
      await ping(a, b, guest)
      expect(a.events.pending).toEqual([])
      expect(b.events.pending).toEqual([])
      expect(guest.events.all).toEqual([])
    })

    it("viewRule: an id topic follows the view rule, including a record made public and then deleted", async () => {
      const doc = await server.admin.collection("docs").create({ title: "private", owner: ann.id })
      const a = await watch("ann", ann, "docs", doc.id)
      const b = await watch("bob", bob, "docs", doc.id)
      const guest = await watch("guest", null, "docs", doc.id)
      await server.admin.collection("docs").update(doc.id, { title: "still private" })
      expect(await a.events.next()).toMatchObject({ action: "update", record: { title: "still private" } })
      await ping(a, b, guest)
      expect(b.events.all).toEqual([])
      expect(guest.events.all).toEqual([])
      await server.admin.collection("docs").update(doc.id, { public: true })
      for (const w of [a, b, guest]) expect(await w.events.next()).toMatchObject({ action: "update", record: { id: doc.id, public: true } })
      await server.admin.collection("docs").delete(doc.id)
      for (const w of [a, b, guest]) expect(await w.events.next()).toMatchObject({ action: "delete", record: { id: doc.id, public: true } })
    })

    it("a delete is judged on the record as it was: a private doc's delete reaches only its owner", async () => {
      const doc = await server.admin.collection("docs").create({ title: "to delete", owner: bob.id })
      const a = await watch("ann", ann, "docs", "*")
      const b = await watch("bob", bob, "docs", "*")
      const guest = await watch("guest", null, "docs", "*")
      await server.admin.collection("docs").delete(doc.id)
      expect(await b.events.next()).toEqual({ action: "delete", record: expect.objectContaining({ id: doc.id, title: "to delete", owner: bob.id }) })
      await ping(a, b, guest)
      expect(a.events.all).toEqual([])
      expect(guest.events.all).toEqual([])
    })

    it("judges each event with the collection's rules as they are now, not as they were at subscribe time", async () => {
      await server.admin.collections.create({ name: "board", listRule: "", fields: [{ name: "n", type: "number" }] })
      const guest = await watch("guest", null, "board", "*")
      const first = await server.admin.collection("board").create({ n: 1 })
      expect(await guest.events.next()).toMatchObject({ record: { id: first.id } })
      await server.admin.collections.update("board", { listRule: "@request.auth.id != ''" })
      await server.admin.collection("board").create({ n: 2 })
      await ping(guest)
      expect(guest.events.pending).toEqual([])
    })

    it("a null rule admits superusers only, and they receive hidden fields", async () => {
      await server.admin.collections.create({
        name: "vault",
        listRule: null,
        viewRule: null,
        fields: [
          { name: "label", type: "text" },
          { name: "code", type: "text", hidden: true },
        ],
      })
      const a = await watch("ann", ann, "vault", "*")
      const guest = await watch("guest", null, "vault", "*")
      const su = new EventCollector<RecordEventData>("superuser vault/*")
      const suPings = new EventCollector<RecordEventData>("superuser pings/*")
      const admin = await sdk.make(server)
      admin.authStore.save(server.admin.authStore.token, server.admin.authStore.record)
      await admin.collection("vault").subscribe("*", su.push)
      await admin.collection("pings").subscribe("*", suPings.push)
      const item = await server.admin.collection("vault").create({ label: "gold", code: "1234" })
      expect(await su.next()).toMatchObject({ action: "create", record: { id: item.id, label: "gold", code: "1234" } })
      await ping(a, guest)
      expect(a.events.all).toEqual([])
      expect(guest.events.all).toEqual([])
    })

    it("hides hidden fields from users and shows them to superusers (spec checklist 22)", async () => {
      await server.admin.collections.create({
        name: "memos",
        listRule: "@request.auth.id != ''",
        fields: [
          { name: "public", type: "text" },
          { name: "hidden", type: "text", hidden: true },
        ],
      })
      const a = await watch("ann", ann, "memos", "*")
      const guest = await watch("guest", null, "memos", "*")
      const admin = await sdk.make(server)
      admin.authStore.save(server.admin.authStore.token, server.admin.authStore.record)
      const su = new EventCollector<RecordEventData>("superuser memos/*")
      await admin.collection("memos").subscribe("*", su.push)
      const memo = await server.admin.collection("memos").create({ public: "p", hidden: "h" })
      const seen = await a.events.next()
      expect(seen.record).toMatchObject({ id: memo.id, public: "p" })
      expect(seen.record).not.toHaveProperty("hidden")
      expect((await su.next()).record).toMatchObject({ id: memo.id, public: "p", hidden: "h" })
      await ping(a, guest)
      expect(guest.events.all).toEqual([])
    })

    it("shows a user's email only to itself and to superusers, and other users' records not at all", async () => {
      const a = await watch("ann", ann, "users", "*")
      const admin = await sdk.make(server)
      admin.authStore.save(server.admin.authStore.token, server.admin.authStore.record)
      const su = new EventCollector<RecordEventData>("superuser users/*")
      await admin.collection("users").subscribe("*", su.push)
      await server.admin.collection("users").update(bob.id, { name: "Bob 2" })
      const bobForSu = await su.find(about("update", bob.id), "Bob's update for the superuser")
      expect(bobForSu.record).toMatchObject({ email: bob.email, name: "Bob 2", emailVisibility: false })
      expect(bobForSu.record).not.toHaveProperty("password")
      expect(bobForSu.record).not.toHaveProperty("tokenKey")
      await server.admin.collection("users").update(ann.id, { name: "Ann 2" })
      const own = await a.events.next()
      expect(own.record).toMatchObject({ id: ann.id, email: ann.email, name: "Ann 2" })
      expect(own.record).not.toHaveProperty("tokenKey")
      expect(a.events.all.some((e) => e.record.id === bob.id)).toBe(false)
    })

    it("gives non-superusers nothing for filters using @request or @collection; superusers may use them", async () => {
      const a = await watch("ann", ann, "docs", "*", { filter: "@request.auth.id != ''" })
      const admin = await sdk.make(server)
      admin.authStore.save(server.admin.authStore.token, server.admin.authStore.record)
      const su = new EventCollector<RecordEventData>("superuser docs/* @request filter")
      await admin.collection("docs").subscribe("*", su.push, { filter: "@request.auth.id != ''" })
      const doc = await server.admin.collection("docs").create({ title: "filtered", owner: ann.id })
      expect(await su.next()).toMatchObject({ action: "create", record: { id: doc.id } })
      await ping(a)
      expect(a.events.all).toEqual([])
    })

    it("looks for @request in the sort only when a filter is set", async () => {
      const sortOnly = await watch("ann, sort only", ann, "docs", "*", { sort: "@request.auth.id" })
      const withFilter = await watch("ann, filter + sort", ann, "docs", "*", { filter: "title != ''", sort: "@request.auth.id" })
      const doc = await server.admin.collection("docs").create({ title: "sorted", owner: ann.id })
      expect(await sortOnly.events.next()).toMatchObject({ action: "create", record: { id: doc.id } })
      await ping(sortOnly, withFilter)
      expect(withFilter.events.all).toEqual([])
    })

    it("shows options.query and options.headers to rules, but never authenticates with a header", async () => {
      await server.admin.collections.create({
        name: "gated",
        listRule: "@request.headers.x_token = 'open-sesame' && @request.query.lang = 'en'",
        fields: [{ name: "n", type: "number" }],
      })
      await server.admin.collections.create({ name: "private", listRule: "@request.auth.id != ''", fields: [{ name: "n", type: "number" }] })
      const right = await watch("right options", null, "gated", "*", { query: { lang: "en" }, headers: { "X-Token": "open-sesame" } } as Record<string, any>)
      const wrong = await watch("wrong options", null, "gated", "*", { query: { lang: "fr" }, headers: { "X-Token": "open-sesame" } } as Record<string, any>)
      const token = (await sdk.make(server, ann)).authStore.token
      const header = await watch("guest with an Authorization option", null, "private", "*", { headers: { Authorization: token } } as Record<string, any>)
      const item = await server.admin.collection("gated").create({ n: 1 })
      expect(await right.events.next()).toMatchObject({ action: "create", record: { id: item.id } })
      await server.admin.collection("private").create({ n: 1 })
      await ping(right, wrong, header)
      expect(wrong.events.all).toEqual([])
      expect(header.events.all).toEqual([])
    })

    it("restricts subscription filters for superusers too: a hidden field gives nothing", async () => {
      await server.admin.collections.create({
        name: "tagged",
        listRule: "",
        fields: [
          { name: "label", type: "text" },
          { name: "tag", type: "text", hidden: true },
        ],
      })
      const admin = await sdk.make(server)
      admin.authStore.save(server.admin.authStore.token, server.admin.authStore.record)
      const hidden = new EventCollector<RecordEventData>("superuser tagged/* filter on hidden")
      const visible = new EventCollector<RecordEventData>("superuser tagged/* filter on label")
      await admin.collection("tagged").subscribe("*", hidden.push, { filter: "tag = 'x'" })
      await admin.collection("tagged").subscribe("*", visible.push, { filter: "label = 'a'" })
      const item = await server.admin.collection("tagged").create({ label: "a", tag: "x" })
      expect(await visible.next()).toMatchObject({ action: "create", record: { id: item.id, tag: "x" } })
      const other = await server.admin.collection("tagged").create({ label: "a", tag: "y" })
      expect(await visible.next()).toMatchObject({ record: { id: other.id } })
      expect(hidden.all).toEqual([])
    })

    it("gives nothing to a filter that joins into a collection a subscriber may not list", async () => {
      await server.admin.collections.create({
        name: "links",
        listRule: "",
        fields: [
          { name: "label", type: "text" },
          { name: "target", type: "relation", collectionId: (await server.admin.collections.getOne("docs")).id, maxSelect: 1 },
        ],
      })
      const doc = await server.admin.collection("docs").create({ title: "ann's doc", owner: ann.id })
      const a = await watch("ann", ann, "links", "*", { filter: "target.title = \"ann's doc\"" })
      const b = await watch("bob", bob, "links", "*", { filter: "target.title = \"ann's doc\"" })
      const link = await server.admin.collection("links").create({ label: "to ann's doc", target: doc.id })
      expect(await a.events.next()).toMatchObject({ action: "create", record: { id: link.id } })
      await ping(a, b)
      expect(b.events.all).toEqual([])
    })

    it("expands a relation only where the subscriber may view the related record", async () => {
      await server.admin.collections.create({
        name: "notes",
        listRule: "",
        viewRule: "",
        fields: [
          { name: "text", type: "text" },
          { name: "doc", type: "relation", collectionId: (await server.admin.collections.getOne("docs")).id, maxSelect: 1 },
        ],
      })
      const doc = await server.admin.collection("docs").create({ title: "ann's secret", owner: ann.id })
      const a = await watch("ann", ann, "notes", "*", { expand: "doc" })
      const b = await watch("bob", bob, "notes", "*", { expand: "doc" })
      const note = await server.admin.collection("notes").create({ text: "see doc", doc: doc.id })
      const forAnn = await a.events.next()
      expect(forAnn.record.expand?.doc).toMatchObject({ id: doc.id, title: "ann's secret" })
      const forBob = await b.events.next()
      expect(forBob.record).toMatchObject({ id: note.id, doc: doc.id })
      expect(forBob.record.expand?.doc).toBeUndefined()
    })
  })
}
