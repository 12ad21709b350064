import { describe, expect, it } from "bun:test"
import type { Collection } from "../core/types.ts"
import { blankCollection } from "./collection-defaults.ts"
import { withFieldDefaults } from "./fields/index.ts"
import { recordJSON } from "./render.ts"

const GUEST = { showHidden: false, showEmail: false }

function posts(): Collection {
  const collection = blankCollection("base", "posts")
  collection.fields.push(
    withFieldDefaults({ name: "zeta", type: "text" }),
    withFieldDefaults({ name: "alpha", type: "number" }),
    withFieldDefaults({ name: "secret", type: "text", hidden: true }),
    withFieldDefaults({ name: "Upper", type: "bool" }),
  )
  return collection
}

describe("recordJSON", () => {
  it("writes keys in byte order, the helper keys included", () => {
    const record = { id: "r1", zeta: "z", alpha: 1, secret: "s", Upper: true }
    const collection = posts()
    expect(JSON.stringify(recordJSON(collection, record, GUEST))).toBe(`{"Upper":true,"alpha":1,"collectionId":"${collection.id}","collectionName":"posts","id":"r1","zeta":"z"}`)
  })

  it("reserves the expand key in its place, written only once filled", () => {
    const output = recordJSON(posts(), { id: "r1", zeta: "z", alpha: 1 }, GUEST, true)
    expect(JSON.stringify(output)).not.toContain("expand")
    output.expand ??= { author: { id: "a1" } }
    expect(Object.keys(output)).toEqual(["alpha", "collectionId", "collectionName", "expand", "id", "zeta"])
  })

  it("shows hidden fields to superusers only", () => {
    expect(recordJSON(posts(), { id: "r1", secret: "s" }, { showHidden: true, showEmail: false }).secret).toBe("s")
    expect("secret" in recordJSON(posts(), { id: "r1", secret: "s" }, GUEST)).toBe(false)
  })

  it("never writes password or tokenKey of auth records, and email only where visible", () => {
    const users = blankCollection("auth", "people")
    const record = { id: "u1", password: "hash", tokenKey: "key", email: "a@example.com", emailVisibility: false, verified: true }
    expect(Object.keys(recordJSON(users, record, GUEST))).toEqual(["collectionId", "collectionName", "emailVisibility", "id", "verified"])
    expect(Object.keys(recordJSON(users, record, { showHidden: true, showEmail: true }))).toEqual(["collectionId", "collectionName", "email", "emailVisibility", "id", "verified"])
    expect(recordJSON(users, { ...record, emailVisibility: true }, GUEST).email).toBe("a@example.com")
  })

  it("follows a collection whose field list was replaced", () => {
    const collection = posts()
    expect("added" in recordJSON(collection, { id: "r1", added: 1 }, GUEST)).toBe(false)
    collection.fields = [...collection.fields, withFieldDefaults({ name: "added", type: "number" })]
    expect(recordJSON(collection, { id: "r1", added: 1 }, GUEST).added).toBe(1)
  })
})
