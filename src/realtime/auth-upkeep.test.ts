import { describe, expect, it } from "bun:test"
import { authAs, collection, superusers, users } from "../../tests/support/realtime-units.ts"
import { applyCollectionChange, demoteAuthRecord, refreshAuthRecord } from "./auth-upkeep.ts"
import { Client, STORE_IP } from "./client.ts"

function bound(id: string, col = users): Client {
  const c = new Client()
  c.auth = authAs(id, col)
  return c
}

describe("auth upkeep", () => {
  it("refreshes the bound record on update (#21)", () => {
    const a = bound("A")
    refreshAuthRecord([a], users, { id: "A", tokenKey: "key_A", name: "new" })
    expect(a.auth?.record.name).toBe("new")
  })

  it("a changed tokenKey demotes to guest (#23)", () => {
    const a = bound("A")
    refreshAuthRecord([a], users, { id: "A", tokenKey: "other" })
    expect(a.auth).toBeNull()
  })

  it("deleting the auth record demotes its clients only, which keep their subscriptions (#20)", () => {
    const a1 = bound("A")
    const a2 = bound("A")
    const b = bound("B")
    a1.subscribe("x")
    expect(demoteAuthRecord([a1, a2, b], users, "A")).toBe(2)
    expect(a1.auth).toBeNull()
    expect(a2.auth).toBeNull()
    expect(b.auth?.record.id).toBe("B")
    expect(a1.hasSubscription("x")).toBe(true)
  })

  it("a changed collection secret demotes that collection's clients only (#24)", () => {
    const clientsCol = collection("clients", { type: "auth", authToken: { secret: "c" } })
    const u = bound("A")
    const c = bound("C", clientsCol)
    applyCollectionChange([u, c], { type: "collection", action: "update", previous: users, collection: { ...users, authToken: { secret: "new" } } })
    applyCollectionChange([u, c], { type: "collection", action: "update", previous: clientsCol, collection: { ...clientsCol, listRule: null } })
    expect(u.auth).toBeNull()
    expect(c.auth?.record.id).toBe("C")
  })

  it("deleting an auth collection demotes its clients (#25)", () => {
    const u = bound("A")
    const s = bound("S", superusers)
    applyCollectionChange([u, s], { type: "collection", action: "delete", collection: users })
    expect(u.auth).toBeNull()
    expect(s.auth).not.toBeNull()
  })

  it("keeps the stored IP untouched", () => {
    const a = bound("A")
    a.set(STORE_IP, "1.2.3.4")
    demoteAuthRecord([a], users, "A")
    expect(a.get(STORE_IP)).toBe("1.2.3.4")
  })
})
