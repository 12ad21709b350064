/**
 * The TypeScript way: examples/ts-app imports `createApp` from "pocketbun", adds a route, hooks
 * and a cron job, and starts with `bun`. The test runs it as a user would and drives it with the SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import PocketBase, { ClientResponseError } from "pocketbase"
import { freePort } from "../support/servers.ts"

const MAIN = join(import.meta.dir, "../../examples/ts-app/main.ts")

describe("examples/ts-app (import { createApp } from \"pocketbun\")", () => {
  let child: ReturnType<typeof Bun.spawn>
  let url = ""
  const root = mkdtempSync(join(tmpdir(), "pocketbun-ts-app-"))

  beforeAll(async () => {
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    child = Bun.spawn(["bun", MAIN], { env: { ...process.env, HTTP: `127.0.0.1:${port}`, DATA_DIR: join(root, "pb_data") }, stdout: "ignore", stderr: "inherit" })
    const deadline = Date.now() + 20_000
    while (!(await fetch(`${url}/api/health`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error("ts-app did not start")
      await Bun.sleep(50)
    }
  })

  afterAll(async () => {
    child.kill()
    await child.exited
    rmSync(root, { recursive: true, force: true })
  })

  it("serves its custom route", async () => {
    expect(await (await fetch(`${url}/api/hello/ada`)).json()).toEqual({ hello: "ada" })
  })

  it("runs its migration and its hooks: the owner is stamped, a blank title refused", async () => {
    const pb = new PocketBase(url)
    await pb.collection("users").create({ email: "ada@example.com", password: "password-123", passwordConfirm: "password-123" })
    const { record } = await pb.collection("users").authWithPassword("ada@example.com", "password-123")
    const task = await pb.collection("tasks").create({ title: "Write tests" })
    expect(task).toMatchObject({ title: "Write tests", owner: record.id, done: false })
    const refused = await pb.collection("tasks").create({ title: "   " }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ClientResponseError)
    expect((refused as ClientResponseError).response).toMatchObject({ status: 400, message: "A task needs a title." })
  })

  it("keeps guests out by the migrated rules", async () => {
    const guest = await new PocketBase(url).collection("tasks").getList()
    expect(guest.totalItems).toBe(0)
  })
})
