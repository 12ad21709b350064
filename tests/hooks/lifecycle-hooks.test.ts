/**
 * The app lifecycle hooks around serving: onBootstrap and onServe before the first request is
 * answered, onTerminate around the shutdown, and an onServe handler that holds the start back.
 */
import { afterEach, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createApp, type App } from "../../src/app.ts"
import { makeConfig } from "../../src/config.ts"
import { serveApp } from "../../src/server.ts"

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function freshApp(): App {
  const dir = mkdtempSync(join(tmpdir(), "pocketbun-hooks-"))
  dirs.push(dir)
  return createApp(makeConfig({ dir, migrationsDir: join(dir, "none") }))
}

describe("lifecycle hooks", () => {
  it("runs bootstrap, serve (with the address once listening) and terminate around a served app", async () => {
    const app = freshApp()
    const seen: string[] = []
    app.hooks.onBootstrap.bindFunc((e) => (seen.push(`bootstrap:${e.app === app}`), e.next()))
    app.hooks.onServe.bindFunc(async (e) => {
      seen.push(`serve:${e.hostname}`)
      await e.next()
      seen.push(`listening:${(await fetch(`${e.url}/api/health`)).status}`)
    })
    app.hooks.onTerminate.bindFunc(async (e) => {
      seen.push("terminate")
      await e.next()
      seen.push("terminated")
    })
    const running = await serveApp(app, "127.0.0.1", 0)
    expect(running.url).toStartWith("http://127.0.0.1:")
    await running.stop()
    expect(seen).toEqual(["bootstrap:true", "serve:127.0.0.1", "listening:200", "terminate", "terminated"])
    await expect(fetch(`${running.url}/api/health`)).rejects.toThrow()
  })

  it("does not start when an onServe handler stops the chain", async () => {
    const app = freshApp()
    app.hooks.onServe.bindFunc(() => {})
    await expect(serveApp(app, "127.0.0.1", 0)).rejects.toThrow("did not call next()")
    app.close()
  })
})
