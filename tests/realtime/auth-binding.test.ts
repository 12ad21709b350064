/**
 * Auth on realtime clients: the POST binds the request's auth (guest → user allowed, any other
 * change 403), and server-side changes keep it current: deleting the auth record, a new
 * tokenKey or a new collection secret demote the client to guest; other updates refresh it.
 * Runs against pocketbun and, where installed, the reference PocketBase.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { ClientResponseError } from "pocketbase"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { about, createUser, EventCollector, openRawStream, postRealtime, SdkClients, type RawStream, type RecordEventData, type TestUser, closeAfterEach } from "../support/realtime.ts"

const MISMATCH = { data: {}, message: "The current and the previous request authorization don't match.", status: 403 }

for (const target of conformanceTargets()) {
  describe(`realtime auth binding (${target.name})`, () => {
    let server: TestServer
    let ann: TestUser
    let bob: TestUser
    let annToken: string
    let bobToken: string
    let userCount = 0
    const sdk = new SdkClients()
    const streams: RawStream[] = []

    beforeAll(async () => {
      server = await target.start()
      ann = await createUser(server.admin, "ann@example.com", { name: "Ann" })
      bob = await createUser(server.admin, "bob@example.com", { name: "Bob" })
      annToken = await tokenOf(ann)
      bobToken = await tokenOf(bob)
      await server.admin.collections.create({ name: "pings", listRule: "", viewRule: "", fields: [{ name: "n", type: "number" }] })
      await server.admin.collections.create({ name: "members", listRule: "@request.auth.id != ''", fields: [{ name: "n", type: "number" }] })
      await server.admin.collections.create({ name: "club", listRule: "@request.auth.name = 'vip'", fields: [{ name: "n", type: "number" }] })
    }, 30_000)
    closeAfterEach(streams, sdk)
    afterAll(async () => {
      await server?.stop()
    })

    async function tokenOf(user: TestUser): Promise<string> {
      const pb = server.client()
      await pb.collection("users").authWithPassword(user.email, user.password)
      return pb.authStore.token
    }

    async function freshUser(): Promise<TestUser & { token: string }> {
      const user = await createUser(server.admin, `user${++userCount}@example.com`, { name: "regular" })
      return { ...user, token: await tokenOf(user) }
    }

    /** A raw stream whose first POST (with `token`, if any) subscribed it to `topics`. */
    async function bound(token: string | undefined, topics: string[] = ["pings/*"]): Promise<RawStream> {
      const stream = await openRawStream(server.url)
      streams.push(stream)
      const answer = await postRealtime(server.url, { clientId: stream.clientId, subscriptions: topics }, { token })
      expect(answer.status).toBe(204)
      return stream
    }

    const post = (stream: RawStream, token?: string, topics: string[] = ["pings/*"]) => postRealtime(server.url, { clientId: stream.clientId, subscriptions: topics }, { token })

    it("lets a guest client bind a user, and the same user again", async () => {
      const stream = await bound(undefined)
      expect((await post(stream, annToken)).status).toBe(204)
      expect((await post(stream, annToken)).status).toBe(204)
      expect((await post(stream, `Bearer ${annToken}`)).status).toBe(204)
    })

    it("lets a guest client bind a superuser", async () => {
      const stream = await bound(undefined)
      expect((await post(stream, server.admin.authStore.token)).status).toBe(204)
      expect((await post(stream, undefined)).json).toEqual(MISMATCH)
    })

    it("answers 403 when a bound client switches to another user, and keeps the first binding", async () => {
      const stream = await bound(annToken)
      const answer = await post(stream, bobToken)
      expect(answer.status).toBe(403)
      expect(answer.json).toEqual(MISMATCH)
      expect((await post(stream, annToken)).status).toBe(204)
    })

    it("answers 403 when a bound client sends no token or an invalid one", async () => {
      const stream = await bound(annToken)
      const none = await post(stream, undefined)
      expect(none.status).toBe(403)
      expect(none.json).toEqual(MISMATCH)
      expect((await post(stream, "not-a-token")).json).toEqual(MISMATCH)
      expect((await post(stream, annToken)).status).toBe(204)
    })

    it("treats an invalid token on a guest client as a guest, not a 401", async () => {
      const stream = await bound(undefined)
      expect((await post(stream, "not-a-token")).status).toBe(204)
      expect((await post(stream, annToken)).status).toBe(204)
    })

    it("judges rules with the bound auth: a user sees what a guest may not", async () => {
      const guest = await bound(undefined, ["members/*", "pings/*"])
      const user = await bound(annToken, ["members/*", "pings/*"])
      const member = await server.admin.collection("members").create({ n: 1 })
      await user.reader.until((t) => t.includes(member.id), "the members record for the user")
      const ping = await server.admin.collection("pings").create({ n: 1 })
      await guest.reader.until((t) => t.includes(ping.id), "the ping for the guest")
      expect(guest.reader.text).not.toContain(member.id)
    })

    it("SDK: a guest that logs in binds the user on its next subscribe; switching user rejects with 403", async () => {
      const pb = await sdk.make(server)
      const pings = new EventCollector<RecordEventData>("pings/*")
      const members = new EventCollector<RecordEventData>("members/*")
      await pb.collection("pings").subscribe("*", pings.push)
      await pb.collection("users").authWithPassword(ann.email, ann.password)
      await pb.collection("members").subscribe("*", members.push)
      const member = await server.admin.collection("members").create({ n: 2 })
      expect(await members.next()).toMatchObject({ action: "create", record: { id: member.id } })
      await pb.collection("users").authWithPassword(bob.email, bob.password)
      let rejected: unknown = null
      await pb.collection("club").subscribe("*", () => {}).catch((error) => (rejected = error))
      expect(rejected).toBeInstanceOf(ClientResponseError)
      expect((rejected as ClientResponseError).status).toBe(403)
      expect((rejected as ClientResponseError).response).toEqual(MISMATCH)
    })

    it("demotes clients bound to a deleted user to guests, keeping their subscriptions; others stay bound", async () => {
      const doomed = await freshUser()
      const first = await bound(doomed.token, ["members/*", "pings/*"])
      const second = await bound(doomed.token, ["members/*", "pings/*"])
      const other = await bound(annToken, ["members/*", "pings/*"])
      await server.admin.collection("users").delete(doomed.id)
      const member = await server.admin.collection("members").create({ n: 3 })
      await other.reader.until((t) => t.includes(member.id), "the members record for the still-bound user")
      const ping = await server.admin.collection("pings").create({ n: 3 })
      for (const s of [first, second]) {
        await s.reader.until((t) => t.includes(ping.id), "the ping for a demoted client")
        expect(s.reader.text).not.toContain(member.id)
        // A guest again: a POST without a token is accepted, and so is binding another user.
        expect((await post(s, undefined)).status).toBe(204)
      }
      expect((await post(second, bobToken)).status).toBe(204)
      expect((await post(other, undefined)).json).toEqual(MISMATCH)
    })

    it("a deleted user still receives its own delete event before it is demoted", async () => {
      const doomed = await freshUser()
      const pb = server.client()
      pb.autoCancellation(false)
      await pb.collection("users").authWithPassword(doomed.email, doomed.password)
      const own = new EventCollector<RecordEventData>("users/* of the deleted user")
      await pb.collection("users").subscribe("*", own.push)
      try {
        await server.admin.collection("users").delete(doomed.id)
        expect(await own.next()).toMatchObject({ action: "delete", record: { id: doomed.id, email: doomed.email } })
      } finally {
        await pb.realtime.unsubscribe()
      }
    })

    it("demotes a client when its user's tokenKey changes (password change)", async () => {
      const user = await freshUser()
      const stream = await bound(user.token, ["members/*", "pings/*"])
      await server.admin.collection("users").update(user.id, { password: "another-password-1", passwordConfirm: "another-password-1" })
      const member = await server.admin.collection("members").create({ n: 4 })
      const ping = await server.admin.collection("pings").create({ n: 4 })
      await stream.reader.until((t) => t.includes(ping.id), "the ping after the password change")
      expect(stream.reader.text).not.toContain(member.id)
      expect((await post(stream, undefined)).status).toBe(204)
    })

    it("refreshes a bound user's record on other updates, so rules see the new values", async () => {
      const user = await freshUser()
      const stream = await bound(user.token, ["club/*", "pings/*"])
      const before = await server.admin.collection("club").create({ n: 1 })
      const ping = await server.admin.collection("pings").create({ n: 5 })
      await stream.reader.until((t) => t.includes(ping.id), "the ping before the promotion")
      expect(stream.reader.text).not.toContain(before.id)
      await server.admin.collection("users").update(user.id, { name: "vip" })
      const after = await server.admin.collection("club").create({ n: 2 })
      await stream.reader.until((t) => t.includes(after.id), "the club record once the user is a vip")
      // Still bound to the same user: its own token is accepted, no token is not.
      expect((await post(stream, undefined, ["club/*", "pings/*"])).json).toEqual(MISMATCH)
      expect((await post(stream, user.token, ["club/*", "pings/*"])).status).toBe(204)
    })

    it("lets a user see its own auth record's events on users/<id>", async () => {
      const pb = await sdk.make(server, ann)
      const own = new EventCollector<RecordEventData>("users/<ann>")
      await pb.collection("users").subscribe(ann.id, own.push)
      await server.admin.collection("users").update(ann.id, { name: "Ann again" })
      expect(await own.find(about("update", ann.id), "Ann's own update")).toMatchObject({ record: { email: ann.email, name: "Ann again" } })
    })

    it("demotes the clients of a deleted auth collection and leaves other collections' clients bound", async () => {
      await server.admin.collections.create({ name: "clients", type: "auth", listRule: "", fields: [] })
      const password = "client-password-1"
      await server.admin.collection("clients").create({ email: "c@example.com", password, passwordConfirm: password })
      const pb = server.client()
      await pb.collection("clients").authWithPassword("c@example.com", password)
      const client = await bound(pb.authStore.token, ["members/*", "pings/*"])
      const user = await bound(annToken, ["members/*", "pings/*"])
      await server.admin.collections.delete("clients")
      const member = await server.admin.collection("members").create({ n: 7 })
      await user.reader.until((t) => t.includes(member.id), "the members record for the users client")
      const ping = await server.admin.collection("pings").create({ n: 7 })
      await client.reader.until((t) => t.includes(ping.id), "the ping for the demoted client")
      expect(client.reader.text).not.toContain(member.id)
      expect((await post(client, undefined)).status).toBe(204)
      expect((await post(user, undefined)).json).toEqual(MISMATCH)
    })

    // Last: a new secret invalidates every users token, including those above.
    it("demotes every client of a collection whose token secret changes, and no other", async () => {
      const a = await bound(annToken, ["members/*", "pings/*"])
      const su = await bound(server.admin.authStore.token, ["members/*", "pings/*"])
      const users = await server.admin.collections.getOne("users")
      const authToken = { ...(users as Record<string, any>).authToken, secret: "a-brand-new-secret-that-is-long-enough-0123456789" }
      await server.admin.collections.update("users", { authToken })
      const member = await server.admin.collection("members").create({ n: 6 })
      await su.reader.until((t) => t.includes(member.id), "the members record for the superuser")
      const ping = await server.admin.collection("pings").create({ n: 6 })
      await a.reader.until((t) => t.includes(ping.id), "the ping after the secret change")
      expect(a.reader.text).not.toContain(member.id)
      expect((await post(a, undefined)).status).toBe(204)
      expect((await post(su, undefined)).json).toEqual(MISMATCH)
    })
  })
}
