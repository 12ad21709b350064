/**
 * A page number past 2^53 once reached SQLite as a float offset and answered 500. Pages up to
 * 2^53 - 1 answer an empty page; larger ones are a 400 (PocketBase accepts up to 2^63 - 1).
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

const statusFor = async (page: string) =>
  (await fetch(`${server.url}/api/collections/_superusers/records?page=${page}`, { headers: { authorization: server.admin.authStore.token } })).status

it("never answers 500 for huge page numbers", async () => {
  expect(await statusFor("9007199254740991")).toBe(200)
  expect(await statusFor("400000000000000000")).toBe(400)
  expect(await statusFor("99999999999999999999")).toBe(400)
})
