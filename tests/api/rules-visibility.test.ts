/**
 * What each requester sees of auth records: `password` and `tokenKey` never; `email` only with
 * emailVisibility, for the record itself, for superusers, or where the manageRule matches; hidden
 * fields only for superusers — in lists, views, write responses and expansions alike. Runs against
 * pocketbun and, where installed, the reference PocketBase.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import type PocketBase from "pocketbase"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { errorBody, failure } from "../support/records-fixture.ts"
import { IDS, USERS, createWorld, signIn, type Clients } from "../support/rules-world.ts"

const { alice, bob, carol, dave } = USERS

/** id → email (or null when hidden) for every user record in `records`. */
const emails = (records: Array<Record<string, any>>): Record<string, string | null> =>
  Object.fromEntries(records.map((r) => [r.id, r.email ?? null]))

for (const target of conformanceTargets()) {
  describe(`auth record visibility (${target.name})`, () => {
    let server: TestServer
    let clients: Clients

    const listUsers = async (pb: PocketBase, options = {}) => (await pb.collection("users").getList(1, 50, { sort: "id", ...options })).items

    beforeAll(async () => {
      server = await target.start()
      await createWorld(server)
      clients = await signIn(server)
    }, 30_000)
    afterAll(async () => {
      await server?.stop()
    })

    it("never sends password or tokenKey, even to superusers or when asked by fields", async () => {
      for (const pb of [clients.guest, clients.alice, server.admin]) {
        for (const record of await listUsers(pb, { fields: "*,password,tokenKey" })) {
          expect(Object.keys(record)).not.toContain("password")
          expect(Object.keys(record)).not.toContain("tokenKey")
        }
      }
    })

    it("shows guests only the emails their owners made visible", async () => {
      expect(emails(await listUsers(clients.guest))).toEqual({ [alice.id]: null, [bob.id]: null, [carol.id]: carol.email, [dave.id]: null })
    })

    it("shows a user their own email besides the visible ones", async () => {
      expect(emails(await listUsers(clients.bob))).toEqual({ [alice.id]: null, [bob.id]: bob.email, [carol.id]: carol.email, [dave.id]: null })
    })

    it("shows a manager (manageRule) every email it manages", async () => {
      expect(emails(await listUsers(clients.alice))).toEqual({ [alice.id]: alice.email, [bob.id]: bob.email, [carol.id]: carol.email, [dave.id]: dave.email })
    })

    it("shows superusers every email and the hidden fields", async () => {
      const records = await listUsers(server.admin)
      expect(emails(records)).toEqual({ [alice.id]: alice.email, [bob.id]: bob.email, [carol.id]: carol.email, [dave.id]: dave.email })
      expect(records.map((r) => r.secret)).toEqual(["alice-secret", "bob-secret", "carol-secret", "dave-secret"])
    })

    it("hides hidden fields from everyone else", async () => {
      for (const pb of [clients.guest, clients.bob, clients.alice]) {
        for (const record of await listUsers(pb)) expect(Object.keys(record)).not.toContain("secret")
        expect(Object.keys(await pb.collection("users").getOne(bob.id))).not.toContain("secret")
      }
    })

    it("applies the same visibility to expanded users", async () => {
      const asBob = await clients.bob.collection("projects").getOne(IDS.projects.p1, { expand: "owner,members" })
      expect(emails(asBob.expand!.members)).toEqual({ [alice.id]: null, [bob.id]: bob.email })
      expect(asBob.expand!.owner.email).toBeUndefined()
      expect(Object.keys(asBob.expand!.owner)).not.toContain("secret")
      const asAlice = await clients.alice.collection("projects").getOne(IDS.projects.p1, { expand: "owner,members" })
      expect(emails(asAlice.expand!.members)).toEqual({ [alice.id]: alice.email, [bob.id]: bob.email })
      const asSuperuser = await server.admin.collection("projects").getOne(IDS.projects.p1, { expand: "members" })
      expect(asSuperuser.expand!.members.map((m: Record<string, unknown>) => m.secret)).toEqual(["alice-secret", "bob-secret"])
    })

    it("applies it through nested and back-relation expansions", async () => {
      const task = await clients.bob.collection("tasks").getOne(IDS.tasks.t1, { expand: "project.owner,project.members" })
      expect(task.expand!.project.expand.owner.email).toBeUndefined()
      const post = await clients.carol.collection("posts").getOne(IDS.posts.p2, { expand: "author,comments_via_post.author" })
      expect(post.expand!.author.email).toBe(carol.email)
      expect(post.expand!.comments_via_post[0].expand.author.email).toBeUndefined()
    })

    it("applies it to write responses", async () => {
      const byManager = await clients.alice.collection("users").update(dave.id, { name: "Dave" })
      expect(byManager.email).toBe(dave.email)
      const bySelf = await clients.carol.collection("users").update(carol.id, { emailVisibility: false })
      expect(bySelf.email).toBe(carol.email)
      expect((await clients.guest.collection("users").getOne(carol.id)).email).toBeUndefined()
      const signUp = await clients.guest.collection("users").create({ email: "gus@example.com", password: "password123", passwordConfirm: "password123" })
      expect(signUp.email).toBeUndefined()
      await server.admin.collection("users").update(carol.id, { emailVisibility: true })
    })

    it("lets non-superusers filter by email only where it is visible", async () => {
      const byEmail = async (pb: PocketBase, email: string) => (await pb.collection("users").getList(1, 10, { filter: `email = "${email}"` })).items.map((r) => r.id)
      expect(await byEmail(clients.guest, carol.email)).toEqual([carol.id])
      expect(await byEmail(clients.guest, alice.email)).toEqual([])
      expect(await byEmail(server.admin, alice.email)).toEqual([alice.id])
    })

    it("refuses client filters on hidden fields for non-superusers", async () => {
      const refused = await failure(clients.guest.collection("users").getList(1, 10, { filter: 'secret = "alice-secret"' }))
      expect(errorBody(refused).status).toBe(400)
      const superuser = await server.admin.collection("users").getList(1, 10, { filter: 'secret = "alice-secret"' })
      expect(superuser.items.map((r) => r.id)).toEqual([alice.id])
    })
  })
}
