import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createApp, type App } from "../app.ts"
import { makeConfig } from "../config.ts"
import { INSTALL_TOKEN_DURATION, installFirstSuperuser, installLink, installTokenValid, signInstallToken } from "./install.ts"

describe("install tokens", () => {
  let dir: string
  let app: App
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pocketbun-install-unit-"))
    app = createApp(makeConfig({ dir, migrationsDir: join(dir, "none") }))
  })
  afterAll(() => {
    app.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("accepts a fresh token and refuses one past its lifetime", () => {
    const services = app.services
    expect(installTokenValid(services, signInstallToken(services))).toBe(true)
    const issuedLongAgo = Date.now() - (INSTALL_TOKEN_DURATION + 1) * 1000
    expect(installTokenValid(services, signInstallToken(services, issuedLongAgo))).toBe(false)
    expect(installTokenValid(services, "not-a-token")).toBe(false)
    expect(installTokenValid(services, undefined)).toBe(false)
  })

  it("links to the dashboard's install view only while no superuser exists", async () => {
    const link = installLink(app.services, "http://127.0.0.1:8090/")
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8090\/_\/#\/install\/[\w-]+\.[\w-]+\.[\w-]+$/)
    await installFirstSuperuser(app.services, { token: signInstallToken(app.services), email: "root@example.com", password: "root-pass-1", passwordConfirm: "root-pass-1" })
    expect(installLink(app.services, "http://127.0.0.1:8090")).toBeNull()
  })

  it("rejects an email that is not an address with a field error", async () => {
    const dir2 = mkdtempSync(join(tmpdir(), "pocketbun-install-unit-"))
    const fresh = createApp(makeConfig({ dir: dir2, migrationsDir: join(dir2, "none") }))
    try {
      const attempt = installFirstSuperuser(fresh.services, { token: signInstallToken(fresh.services), email: "nope", password: "root-pass-1", passwordConfirm: "root-pass-1" })
      await expect(attempt).rejects.toMatchObject({ status: 400, data: { email: { code: "validation_invalid" } } })
    } finally {
      fresh.close()
      rmSync(dir2, { recursive: true, force: true })
    }
  })
})
