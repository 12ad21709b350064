import { describe, expect, it } from "bun:test"
import { blankCollection } from "./collection-defaults.ts"
import { collectionJSON } from "./collection-json.ts"

const BASE_KEYS = ["id", "listRule", "viewRule", "createRule", "updateRule", "deleteRule", "name", "type", "fields", "indexes", "created", "updated", "system"]

describe("collectionJSON", () => {
  it("writes a base collection in PocketBase's struct order, each field's keys in byte order", () => {
    const collection = blankCollection("base", "notes")
    collection.fields.push({ type: "text", name: "title", id: "t1", system: false, hidden: false, presentable: false, zeta: 1, alpha: 2 } as never)
    const json = collectionJSON(collection)
    expect(Object.keys(json)).toEqual(BASE_KEYS)
    expect(Object.keys((json.fields as object[])[1]!)).toEqual(["alpha", "hidden", "id", "name", "presentable", "system", "type", "zeta"])
  })

  it("adds viewQuery to a view collection and the auth options to an auth collection, in order", () => {
    expect(Object.keys(collectionJSON(blankCollection("view", "v")))).toEqual([...BASE_KEYS, "viewQuery"])
    expect(Object.keys(collectionJSON(blankCollection("auth", "a")))).toEqual([
      ...BASE_KEYS, "authRule", "manageRule", "authAlert", "oauth2", "passwordAuth", "mfa", "otp", "authToken", "passwordResetToken",
      "emailChangeToken", "verificationToken", "fileToken", "verificationTemplate", "resetPasswordTemplate", "confirmEmailChangeTemplate",
    ])
  })

  it("leaves out secrets and writes missing option fields as Go zero values", () => {
    const collection = blankCollection("auth", "a")
    collection.oauth2 = { enabled: true, providers: [{ clientSecret: "hush", name: "google", clientId: "id" }], mappedFields: { name: "name" } }
    delete collection.mfa
    const json = collectionJSON(collection)
    expect(JSON.stringify(json)).not.toContain("secret\":")
    expect(JSON.stringify(json)).not.toContain("hush")
    expect(json.authToken).toEqual({ duration: 432_000 })
    expect(json.oauth2).toEqual({
      providers: [{ pkce: null, name: "google", clientId: "id", authURL: "", tokenURL: "", userInfoURL: "", displayName: "", extra: {} }],
      mappedFields: { id: "", name: "name", username: "", avatarURL: "" },
      enabled: true,
    })
    expect(JSON.stringify(json.mfa)).toBe('{"enabled":false,"duration":0,"rule":""}')
  })
})
