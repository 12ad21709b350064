/**
 * An update that changes a password spends tens of milliseconds in bcrypt. It once read the row,
 * hashed, then wrote every column from that old read, silently undoing an update that landed
 * meanwhile (a superuser's demotion of the same user came back).
 */
import { afterAll, beforeAll, expect, it } from "bun:test"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"

let server: PocketbunServer
beforeAll(async () => {
  server = await startPocketbun()
})
afterAll(async () => {
  await server?.stop()
})

it("keeps a concurrent update made while a password change was hashing", async () => {
  const users = await server.admin.collections.getOne("users")
  await server.admin.collections.update("users", { fields: [...users.fields, { name: "role", type: "text" }] })
  const created = await server.admin.collection("users").create({ email: "race@example.com", password: "password-123", passwordConfirm: "password-123", role: "admin" })
  const user = server.client()
  await user.collection("users").authWithPassword("race@example.com", "password-123")

  const passwordChange = user.collection("users").update(created.id, { oldPassword: "password-123", password: "password-456", passwordConfirm: "password-456" })
  // Sent while the first request is hashing (the server does not read its body before that).
  const demotion = server.admin.collection("users").update(created.id, { role: "guest" })
  await Promise.all([passwordChange, demotion])

  const stored = await server.admin.collection("users").getOne(created.id)
  expect(stored.role).toBe("guest")
  await server.client().collection("users").authWithPassword("race@example.com", "password-456")
})
