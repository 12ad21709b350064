/**
 * A password of at most 71 characters can still exceed bcrypt's 72 bytes (multi-byte UTF-8); it
 * must be refused with a 400 field error, never a 500.
 */
import { afterAll, beforeAll, expect, it } from "bun:test"
import { ClientResponseError } from "pocketbase"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"

let server: PocketbunServer
beforeAll(async () => {
  server = await startPocketbun()
})
afterAll(async () => {
  await server?.stop()
})

it("answers 400 for a 40-character password of 120 bytes", async () => {
  const password = "€".repeat(40)
  const error = await server.client().collection("users")
    .create({ email: "long@example.com", password, passwordConfirm: password })
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ClientResponseError)
  expect((error as ClientResponseError).status).toBe(400)
  expect((error as ClientResponseError).response.data.password.code).toBe("validation_max_text_constraint")
})
