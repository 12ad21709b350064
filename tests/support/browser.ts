/**
 * @module
 * Headless Chromium for the dashboard tests, from the machine's packages (Debian's `chromium`)
 * driven by `playwright-core`, which never downloads a browser. Rebuilds the dashboard first.
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { chromium, type Browser, type Page } from "playwright-core"
import { DASHBOARD_DIST, dashboardFile } from "../../src/dashboard/index.ts"
import { SUPERUSER_EMAIL, SUPERUSER_PASSWORD } from "./servers.ts"

/** Where the browser is installed. @default /usr/bin/chromium */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"

/** Why browser tests cannot run here, or null when they can. Under CI=true a missing browser fails. */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`
  if (process.env.CI === "true") throw new Error(reason)
  console.log(`skipping dashboard browser tests: ${reason}`)
  return reason
}

/** Builds the dashboard from `ui/` (under a second), so tests never run against a stale bundle. */
export function buildDashboard(): void {
  const build = Bun.spawnSync(["bun", join(import.meta.dir, "..", "..", "scripts", "build-dashboard.ts")], { stdout: "pipe", stderr: "pipe" })
  if (build.exitCode !== 0) throw new Error(`dashboard build failed: ${build.stderr.toString()}`)
}

/** Launches headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  buildDashboard()
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ["--no-sandbox"] })
}

/** Opens the dashboard at `url` and signs in as the test superuser with the keyboard. */
export async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/_/`)
  await page.getByLabel("Email").fill(SUPERUSER_EMAIL)
  await page.getByLabel("Password").fill(SUPERUSER_PASSWORD)
  await page.keyboard.press("Enter")
  await page.getByRole("heading", { name: "Collections" }).waitFor()
}

/** A 1×1 PNG, for uploads. */
export const TINY_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64")

/**
 * The dashboard in front of another server (the reference PocketBase): serves `/_/` from the
 * build and forwards everything else, so the UI can be checked against PocketBase's own API.
 */
export function dashboardInFrontOf(target: string): { url: string; stop(): Promise<void> } {
  const front = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url)
      if (url.pathname.startsWith("/_/")) return (await dashboardFile(DASHBOARD_DIST, url.pathname.slice(3), "")) ?? new Response(null, { status: 404 })
      const headers = new Headers(request.headers)
      headers.delete("host")
      headers.delete("accept-encoding")
      return fetch(`${target}${url.pathname}${url.search}`, { method: request.method, headers, body: request.body, redirect: "manual" })
    },
  })
  return { url: `http://127.0.0.1:${front.port}`, stop: () => front.stop(true) }
}
