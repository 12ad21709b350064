/**
 * Delete events for records whose rules reach through a relation: a child visible through
 * `parent.owner = @request.auth.id`, deleted directly or by a cascade from its parent. Visibility
 * is decided before the delete (while the parent still exists), the events go out after the
 * commit, and a delete whose transaction fails sends nothing. Runs against pocketbun and, where
 * installed, the reference PocketBase.
 *
 * A client that must not see an event is checked after a later "ping" (an open collection every
 * client also watches) has reached it, so the forbidden event had every chance to arrive first.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { createUser, eventWatchers, SdkClients, type TestUser } from "../support/realtime.ts"

for (const target of conformanceTargets()) {
  describe(`realtime cascade deletes (${target.name})`, () => {
    let server: TestServer
    let ann: TestUser
    let bob: TestUser
    const sdk = new SdkClients()
    const { watch: watchAs, ping, createPings } = eventWatchers(() => server, sdk)
    const watch = (user: TestUser) => watchAs(user.email, user, "children", "*")

    beforeAll(async () => {
      server = await target.start()
      ann = await createUser(server.admin, "ann@example.com")
      bob = await createUser(server.admin, "bob@example.com")
      await createPings()
      const parents = await server.admin.collections.create({
        name: "parents",
        listRule: "owner = @request.auth.id",
        viewRule: "owner = @request.auth.id",
        fields: [{ name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 }],
      })
      await server.admin.collections.create({
        name: "children",
        listRule: "parent.owner = @request.auth.id",
        viewRule: "parent.owner = @request.auth.id",
        fields: [
          { name: "title", type: "text" },
          { name: "parent", type: "relation", collectionId: parents.id, maxSelect: 1, cascadeDelete: true },
        ],
      })
      // A required, non-cascading reference to a parent makes that parent's delete fail (400).
      await server.admin.collections.create({
        name: "pins",
        fields: [{ name: "parent", type: "relation", collectionId: parents.id, maxSelect: 1, required: true }],
      })
    }, 30_000)
    afterEach(async () => {
      await sdk.closeAll()
    })
    afterAll(async () => {
      await server?.stop()
    })

    async function family(title: string): Promise<{ parent: string; child: string }> {
      const parent = await server.admin.collection("parents").create({ owner: ann.id })
      const child = await server.admin.collection("children").create({ title, parent: parent.id })
      return { parent: parent.id, child: child.id }
    }

    it("a direct delete of the child reaches the parent's owner only", async () => {
      const { child } = await family("direct")
      const a = await watch(ann)
      const b = await watch(bob)
      await server.admin.collection("children").delete(child)
      expect(await a.events.next()).toMatchObject({ action: "delete", record: { id: child, title: "direct" } })
      await ping(a, b)
      expect(a.events.pending).toEqual([])
      expect(b.events.all).toEqual([])
    })

    it("a cascade from the parent sends the child's delete, judged while the parent still existed", async () => {
      const { parent, child } = await family("cascaded")
      const a = await watch(ann)
      const b = await watch(bob)
      await server.admin.collection("parents").delete(parent)
      expect(await a.events.next()).toMatchObject({ action: "delete", record: { id: child, title: "cascaded", parent } })
      await ping(a, b)
      expect(a.events.pending).toEqual([])
      expect(b.events.all).toEqual([])
      await expect(server.admin.collection("children").getOne(child)).rejects.toMatchObject({ status: 404 })
    })

    it("a delete whose transaction fails sends nothing and removes nothing", async () => {
      const { parent, child } = await family("kept")
      await server.admin.collection("pins").create({ parent })
      const a = await watch(ann)
      await expect(server.admin.collection("parents").delete(parent)).rejects.toMatchObject({ status: 400 })
      await ping(a)
      expect(a.events.all).toEqual([])
      expect((await server.admin.collection("children").getOne(child)).id).toBe(child)
    })
  })
}
