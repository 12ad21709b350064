/**
 * Events published to the realtime broker (Redis, in a cluster) once carried auth records with
 * their password hash and tokenKey, and collections with their token secrets: with both halves
 * anyone reading the broker could sign tokens. They now carry digests only.
 */
import { afterAll, beforeAll, expect, it } from "bun:test"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import type { RealtimeEvent } from "../../src/realtime/index.ts"

let server: PocketbunServer
beforeAll(async () => {
  server = await startPocketbun()
})
afterAll(async () => {
  await server?.stop()
})

it("publishes auth records and collections without secrets", async () => {
  const events: RealtimeEvent[] = []
  const stop = server.app.services.realtime.broker.subscribe((event) => void events.push(event))
  try {
    const user = await server.admin.collection("users").create({ email: "secret@example.com", password: "password-123", passwordConfirm: "password-123" })
    await server.admin.collections.update("users", { name: "users" })
    const text = JSON.stringify(events)
    const stored = server.app.services.records.findById(server.app.services.collections.get("users"), user.id)!
    expect(text).not.toContain(String(stored.tokenKey))
    expect(text).not.toContain("$2")
    const secret = (server.app.services.collections.get("users").authToken as { secret: string }).secret
    expect(text).not.toContain(secret)
    const recordEvent = events.find((e) => e.type === "record" && e.record.id === user.id)
    expect(recordEvent && recordEvent.type === "record" && String(recordEvent.record.tokenKey)).toStartWith("sha256:")
  } finally {
    stop()
  }
})
