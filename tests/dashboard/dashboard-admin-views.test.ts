/**
 * The settings, logs, backups and crons views in a browser, against every conformance target:
 * the reference PocketBase (its API shapes are what the views are built on; the dashboard is
 * put in front of it) and pocketbun. Where a server answers 404 for one of these APIs, the view
 * must say so instead. Last, the sign-in's one-time-code step once MFA is on for superusers.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import type { Browser, Page } from "playwright-core"
import { browserUnavailable, dashboardInFrontOf, launchBrowser, signIn } from "../support/browser.ts"
import { waitFor } from "../support/realtime.ts"
import { conformanceTargets, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, type TestServer } from "../support/servers.ts"

const unavailable = browserUnavailable()

describe.skipIf(unavailable !== null)("admin views in a browser", () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(() => browser?.close())

  for (const target of conformanceTargets()) {
    describe(`against ${target.name}`, () => {
      let server: TestServer
      let front: { url: string; stop(): Promise<void> } | null = null
      let page: Page
      let url: string
      const offers = async (path: string) => (await fetch(`${server.url}${path}`, { headers: { authorization: server.admin.authStore.token } })).status !== 404
      const expectMissing = async (what: string) => {
        const alert = page.getByRole("alert")
        await alert.waitFor()
        expect(await alert.textContent()).toContain(`does not offer the ${what} API`)
      }

      beforeAll(async () => {
        server = await target.start()
        front = target.name === "pocketbase" ? dashboardInFrontOf(server.url) : null
        url = front?.url ?? server.url
        page = await browser.newPage()
        await signIn(page, url)
      }, 30_000)
      afterAll(async () => {
        await page?.close()
        await front?.stop()
        await server?.stop()
      })

      it("saves a settings section and shows field errors inline", async () => {
        await page.goto(`${url}/_/#/settings`)
        if (!(await offers("/api/settings"))) return expectMissing("settings")
        await page.getByLabel("appName").fill("Renamed from the dashboard")
        await page.getByRole("button", { name: "Save meta" }).click()
        await page.getByText("Saved meta.").waitFor()
        expect((await server.admin.settings.getAll()).meta.appName).toBe("Renamed from the dashboard")

        await page.getByLabel("appURL").fill("not a url")
        await page.getByRole("button", { name: "Save meta" }).click()
        const error = page.locator(".field.has-error", { has: page.getByLabel("appURL") }).getByRole("alert")
        await error.waitFor()
        expect(await error.textContent()).toContain("Must be a valid URL")
      })

      it("lists request logs under a requests chart and filters them", async () => {
        if (!(await offers("/api/logs"))) {
          await page.goto(`${url}/_/#/logs`)
          return expectMissing("logs")
        }
        // The marker holds "=", which the filter's own requests carry encoded, so only this request matches.
        await fetch(`${server.url}/api/collections/users/records?from=dashboard`)
        await waitFor(async () => (await server.admin.logs.getList(1, 1, { filter: `data.url ~ "from=dashboard"` })).totalItems > 0, 10_000, "the request to be logged")
        await page.goto(`${url}/_/#/logs`)
        await page.getByText("Requests per hour").waitFor()
        await page.getByLabel("Filter").fill(`data.url ~ "from=dashboard"`)
        await page.getByLabel("Filter").press("Enter")
        await page.getByRole("row", { name: /from=dashboard/ }).first().waitFor()
        // The unfiltered rows may still be on screen for a moment: wait for them to go.
        await page.locator("tbody tr").nth(1).waitFor({ state: "detached" })
        expect(await page.locator("tbody tr").count()).toBe(1)
      })

      it("creates, lists and deletes a backup", async () => {
        await page.goto(`${url}/_/#/backups`)
        if (!(await offers("/api/backups"))) return expectMissing("backups")
        await page.getByLabel("New backup name (optional)").fill("from_dashboard.zip")
        await page.getByRole("button", { name: "Create backup" }).click()
        await page.getByRole("row", { name: /from_dashboard\.zip/ }).waitFor({ timeout: 15_000 })
        expect((await server.admin.backups.getFullList()).map((b) => b.key)).toContain("from_dashboard.zip")
        page.once("dialog", (dialog) => void dialog.accept())
        await page.getByRole("row", { name: /from_dashboard\.zip/ }).getByRole("button", { name: "Delete" }).click()
        await page.getByText("Deleted from_dashboard.zip.").waitFor()
        expect((await server.admin.backups.getFullList()).map((b) => b.key)).not.toContain("from_dashboard.zip")
      })

      it("lists cron jobs and runs one", async () => {
        await page.goto(`${url}/_/#/crons`)
        if (!(await offers("/api/crons"))) return expectMissing("crons")
        const jobs = await server.admin.crons.getFullList()
        expect(jobs.length).toBeGreaterThan(0)
        const job = jobs[0]!
        await page.getByRole("row", { name: new RegExp(job.id) }).waitFor()
        await page.getByRole("button", { name: `Run ${job.id} now` }).click()
        await page.getByText(`Started ${job.id}.`).waitFor()
      })

      // Last: it turns on MFA for superusers on this server.
      it("asks for a one-time code when password sign-in needs a second factor", async () => {
        await server.admin.collections.update("_superusers", { mfa: { enabled: true, duration: 1800 }, otp: { enabled: true, duration: 180, length: 8 } })
        const answer = await fetch(`${server.url}/api/collections/_superusers/auth-with-password`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ identity: SUPERUSER_EMAIL, password: SUPERUSER_PASSWORD }),
        })
        const fresh = await browser.newPage()
        try {
          await fresh.goto(`${url}/_/`)
          await fresh.getByLabel("Email").fill(SUPERUSER_EMAIL)
          await fresh.getByLabel("Password").fill(SUPERUSER_PASSWORD)
          await fresh.keyboard.press("Enter")
          if (answer.status !== 401) {
            // This server does not enforce MFA yet: the password alone signs in.
            await fresh.getByRole("heading", { name: "Collections" }).waitFor()
            return
          }
          expect(await answer.json()).toHaveProperty("mfaId")
          await fresh.getByLabel("One-time code").fill("00000000")
          await fresh.keyboard.press("Enter")
          await fresh.getByRole("alert").waitFor()
          expect(await fresh.getByRole("heading", { name: "Collections" }).count()).toBe(0)
        } finally {
          await fresh.close()
        }
      })
    })
  }
})
