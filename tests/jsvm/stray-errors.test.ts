/**
 * A hook file that leaves errors nobody catches (a rejected promise at load, a timer that throws,
 * a failing async cron job) must not take `serve` down: the errors are logged and requests go on.
 */
import { afterAll, expect, it } from "bun:test"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freePort, startServerProcess, type ServerProcess } from "../support/processes.ts"

const root = mkdtempSync(join(tmpdir(), "pb-stray-"))
let server: ServerProcess | undefined

afterAll(async () => {
  await server?.kill()
  rmSync(root, { recursive: true, force: true })
})

it("keeps serving after stray errors from hook files", async () => {
  mkdirSync(join(root, "pb_hooks"))
  writeFileSync(join(root, "pb_hooks", "stray.pb.js"), `
Promise.reject(new Error("stray rejection"))
setTimeout(() => { throw new Error("late throw") }, 20)
routerAdd("GET", "/api/alive", (e) => e.string(200, "alive"))
`)
  server = await startServerProcess(await freePort(), [`--dir=${join(root, "pb_data")}`])
  const deadline = Date.now() + 5_000
  while (!server.output().includes("late throw") && Date.now() < deadline) await Bun.sleep(20)
  const response = await fetch(`${server.url}/api/alive`)
  expect(await response.text()).toBe("alive")
  expect(server.output()).toContain("stray rejection")
  expect(server.output()).toContain("late throw")
})
