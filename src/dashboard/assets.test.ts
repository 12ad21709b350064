import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "bun"
import { dashboardFile } from "./assets.ts"

describe("dashboardFile", () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pocketbun-assets-"))
    writeFileSync(join(dir, "index.html"), "<!doctype html>")
    writeFileSync(join(dir, "app.js"), "console.log(1)")
    writeFileSync(join(dir, "app.js.gz"), gzipSync("console.log(1)"))
    writeFileSync(join(dir, "notes.txt"), "private")
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("serves index.html for the root, uncached", async () => {
    const response = (await dashboardFile(dir, "", ""))!
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8")
    expect(response.headers.get("cache-control")).toBe("no-cache")
    expect(await response.text()).toBe("<!doctype html>")
  })

  it("sends the gzip twin only to clients that accept gzip", async () => {
    const gzipped = (await dashboardFile(dir, "app.js", "br, gzip"))!
    expect(gzipped.headers.get("content-encoding")).toBe("gzip")
    const plain = (await dashboardFile(dir, "app.js", ""))!
    expect(plain.headers.get("content-encoding")).toBeNull()
    expect(await plain.text()).toBe("console.log(1)")
  })

  it("refuses unknown kinds of files, missing files and paths leaving the folder", async () => {
    expect(await dashboardFile(dir, "notes.txt", "")).toBeNull()
    expect(await dashboardFile(dir, "other.js", "")).toBeNull()
    expect(await dashboardFile(dir, "../index.html", "")).toBeNull()
    expect(await dashboardFile(dir, "a/../../index.html", "")).toBeNull()
  })

  it("explains how to build when there is no build", async () => {
    const response = (await dashboardFile(join(dir, "missing"), "", ""))!
    expect(response.status).toBe(503)
    expect(await response.text()).toContain("bun run build")
  })
})
