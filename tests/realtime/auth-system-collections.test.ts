/**
 * Rows the auth flows write for a record (`_authOrigins`, `_externalAuths`, `_otps`, `_mfas`)
 * are its owner's alone: another user gets neither the REST answer nor the realtime event, and
 * an OTP's code is never shown.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { EventCollector, SdkClients, createUser, type TestUser } from "../support/realtime.ts"
import { failure } from "../support/records-fixture.ts"

describe("auth helper collections", () => {
  let server: PocketbunServer
  const sdk = new SdkClients()
  let ann: TestUser
  let ben: TestUser

  beforeAll(async () => {
    server = await startPocketbun()
    await server.admin.collections.update("users", { otp: { enabled: true }, mfa: { enabled: false } })
    ann = await createUser(server.admin, "ann-origins@example.com")
    ben = await createUser(server.admin, "ben-origins@example.com")
  })
  afterEach(() => sdk.closeAll())
  afterAll(() => server.stop())

  it("shows a login's device only to its owner, over REST and realtime", async () => {
    const annClient = await sdk.make(server, ann)
    const benClient = await sdk.make(server, ben)
    const annEvents = new EventCollector("ann _authOrigins/*")
    const benEvents = new EventCollector("ben _authOrigins/*")
    await annClient.collection("_authOrigins").subscribe("*", annEvents.push)
    await benClient.collection("_authOrigins").subscribe("*", benEvents.push)
    // a login from a new device writes (or touches) ann's origin
    await fetch(`${server.url}/api/collections/users/auth-with-password`, {
      method: "POST", headers: { "content-type": "application/json", "user-agent": "another-device" }, body: JSON.stringify({ identity: ann.email, password: ann.password }),
    })
    const event = await annEvents.find((e) => e.record.recordRef === ann.id, "ann's origin event")
    expect(event.record.fingerprint).toMatch(/^[0-9a-f]{32}$/)
    // ben logs in too: his own event reaching him proves his stream works, and ann's never did
    await fetch(`${server.url}/api/collections/users/auth-with-password`, {
      method: "POST", headers: { "content-type": "application/json", "user-agent": "bens-device" }, body: JSON.stringify({ identity: ben.email, password: ben.password }),
    })
    await benEvents.find((e) => e.record.recordRef === ben.id, "ben's own origin event")
    expect(benEvents.all.some((e) => e.record.recordRef === ann.id)).toBe(false)
    const benList = await benClient.collection("_authOrigins").getFullList()
    expect(benList.every((row) => row.recordRef === ben.id)).toBe(true)
    expect((await failure(benClient.collection("_authOrigins").getOne(event.record.id))).status).toBe(404)
    expect((await failure(benClient.collection("_authOrigins").delete(event.record.id))).status).toBe(404)
  })

  it("shows an OTP row (never its code) to its owner only", async () => {
    // No mail server here: a send hook swallows the code's mail, so the OTP stays.
    const remove = server.app.services.mailer.onMailSend(() => null)
    try {
      const { otpId } = await server.client().collection("users").requestOTP(ann.email)
      const annClient = await sdk.make(server, ann)
      const benClient = await sdk.make(server, ben)
      const own = await annClient.collection("_otps").getOne(otpId)
      expect(own.recordRef).toBe(ann.id)
      expect(own.password).toBeUndefined()
      expect((await failure(benClient.collection("_otps").getOne(otpId))).status).toBe(404)
      expect((await benClient.collection("_otps").getFullList()).length).toBe(0)
    } finally {
      remove()
    }
  })
})
