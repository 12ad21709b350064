/**
 * The crons API through the SDK (`pb.crons`): PocketBase's system jobs listed, a job run on
 * demand, jobs added from TypeScript, superusers only; list and errors compared with the reference.
 */
import { describe, expect, it } from "bun:test"
import { startPocketbun } from "../support/servers.ts"
import { errorBody, failure } from "../support/records-fixture.ts"
import { useServer } from "../support/lifecycle.ts"
import { describeAnswersAlike } from "../support/raw-request.ts"

describe("crons API (pocketbun)", () => {
  const server = useServer(startPocketbun)

  it("lists jobs added from TypeScript before the system ones and runs one on demand", async () => {
    let runs = 0
    server().app.services.cron.add("nightly_report", "@daily", () => {
      runs++
    })
    const jobs = await server().admin.crons.getFullList()
    expect(jobs[0]).toEqual({ id: "nightly_report", expression: "0 0 * * *" })
    expect(jobs.map((job) => job.id)).toContain("__pbLogsCleanup__")
    await server().admin.crons.run("nightly_report")
    const deadline = Date.now() + 2000
    while (runs === 0 && Date.now() < deadline) await Bun.sleep(10)
    expect(runs).toBe(1)
    server().app.services.cron.remove("nightly_report")
    expect((await server().admin.crons.getFullList()).map((job) => job.id)).not.toContain("nightly_report")
  })

  it("removes expired OTPs on the cleanup job", async () => {
    const { store } = server().app.services
    await server().admin.collections.update("users", { otp: { enabled: true, duration: 60 } })
    store.run("INSERT INTO _otps (id, collectionRef, recordRef, password, sentTo, created, updated) VALUES ('otpold', '_pb_users_auth_', 'r1', 'x', '', '2000-01-01 00:00:00.000Z', '2000-01-01 00:00:00.000Z')")
    await server().admin.crons.run("__pbOTPCleanup__")
    const deadline = Date.now() + 2000
    while (store.get("SELECT id FROM _otps WHERE id = 'otpold'") && Date.now() < deadline) await Bun.sleep(10)
    expect(store.get("SELECT id FROM _otps WHERE id = 'otpold'")).toBeNull()
  })

  it("answers only superusers", async () => {
    expect(errorBody(await failure(server().client().crons.getFullList())).status).toBe(401)
  })
})

describeAnswersAlike("crons API answers as the reference does", [
  { path: "/api/crons" },
  { path: "/api/crons", guest: true },
  { method: "POST", path: "/api/crons/missing_job" },
  { method: "POST", path: "/api/crons/__pbDBOptimize__" },
])
