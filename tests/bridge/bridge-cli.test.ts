/**
 * `bun src/cli.ts bridge --config=FILE` as an operator runs it: a bad file exits 1 naming the
 * problem; a good one serves /health once subscribed and logs JSON lines until SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runCli, freePort } from "../support/processes.ts"
import { startPocketbun, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, type PocketbunServer } from "../support/servers.ts"
import { waitFor } from "../support/realtime.ts"

describe("bridge command", () => {
  let root: string
  let source: PocketbunServer
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "pocketbun-bridge-cli-"))
    source = await startPocketbun()
    await source.admin.collections.create({ name: "messages", fields: [{ name: "channel", type: "text" }] })
  })
  afterAll(async () => {
    await source?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it("exits 1 naming the bad key of a bad configuration, 2 without --config", () => {
    const file = join(root, "bad.json")
    writeFileSync(file, JSON.stringify({ source: { url: "http://127.0.0.1:1", email: "a@b.c", password: "x" }, routes: [] }))
    const bad = runCli("bridge", `--config=${file}`)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("routes must be a non-empty array")
    expect(runCli("bridge").code).toBe(2)
  })

  it("serves /health once subscribed and writes JSON log lines", async () => {
    const port = await freePort()
    const file = join(root, "bridge.json")
    writeFileSync(file, JSON.stringify({
      source: { url: source.url, email: SUPERUSER_EMAIL, password: SUPERUSER_PASSWORD },
      http: `127.0.0.1:${port}`,
      routes: [{ collection: "messages", entity: "message", rooms: ["channel:{channel}"] }],
    }))
    const child = Bun.spawn(["bun", "src/cli.ts", "bridge", `--config=${file}`], { stdout: "pipe", stderr: "pipe" })
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, 15_000, "the bridge's /health")
    } finally {
      child.kill("SIGTERM")
    }
    expect(await child.exited).toBe(0)
    const lines = (await new Response(child.stdout).text()).trim().split("\n").map((line) => JSON.parse(line))
    expect(lines.map((line) => line.msg)).toEqual(["bridge listening", "source subscription live", "bridge stopped"])
    expect(lines[0]).toMatchObject({ level: "info", url: `http://127.0.0.1:${port}` })
  }, 30_000)
})
