/**
 * Rules checked against a not-yet-stored (create) or no-longer-stored (delete, realtime) row once
 * hid the collection's own table, so a rule walking a self-relation read only that row: a guest
 * could create a child of a locked folder and receive its realtime event. Runs on both servers.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { ClientResponseError } from "pocketbase"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { waitFor } from "../support/realtime.ts"

const RULE = "locked != true && (parent = '' || parent.locked != true)"

for (const target of conformanceTargets()) {
  describe(`self-relation rules (${target.name})`, () => {
    let server: TestServer
    let lockedId = ""
    let openId = ""

    beforeAll(async () => {
      server = await target.start()
      const folders = await server.admin.collections.create({ name: "folders", fields: [{ name: "title", type: "text" }, { name: "locked", type: "bool" }] })
      await server.admin.collections.update("folders", {
        listRule: RULE, viewRule: RULE, createRule: RULE,
        fields: [...folders.fields, { name: "parent", type: "relation", collectionId: folders.id, maxSelect: 1 }],
      })
      lockedId = (await server.admin.collection("folders").create({ title: "vault", locked: true })).id
      openId = (await server.admin.collection("folders").create({ title: "public" })).id
    }, 30_000)
    afterAll(async () => {
      await server?.stop()
    })

    it("refuses a guest's create whose parent is locked, and allows one under an open parent", async () => {
      const guest = server.client()
      const error = await guest.collection("folders").create({ title: "sneaky", parent: lockedId }).catch((e: unknown) => e)
      expect((error as ClientResponseError).status).toBe(400)
      expect((await guest.collection("folders").create({ title: "fine", parent: openId })).title).toBe("fine")
    })

    it("sends a guest no realtime event for a child of a locked folder", async () => {
      const guest = server.client()
      const seen: string[] = []
      const unsubscribe = await guest.collection("folders").subscribe("*", (event) => void seen.push(event.record.title))
      try {
        await server.admin.collection("folders").create({ title: "hidden child", parent: lockedId })
        await server.admin.collection("folders").create({ title: "visible child", parent: openId })
        await waitFor(() => seen.includes("visible child"), 10_000, "the visible child's event")
        expect(seen).toEqual(["visible child"])
      } finally {
        await unsubscribe()
      }
    })
  })
}
