/**
 * The dashboard in a real browser (headless Chromium): signing in, creating a collection, an
 * API rule error shown beside its input, adding a record with a file and seeing it listed, and
 * the realtime inspector showing a client that subscribes.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import type { Browser, Page } from "playwright-core"
import { browserUnavailable, launchBrowser, signIn, TINY_PNG } from "../support/browser.ts"
import { waitFor } from "../support/realtime.ts"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"

const unavailable = browserUnavailable()

describe.skipIf(unavailable !== null)("dashboard in a browser", () => {
  let server: PocketbunServer
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startPocketbun(), launchBrowser()])
    page = await browser.newPage()
    await signIn(page, server.url)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it("signs a superuser in and lists collections", async () => {
    await page.getByRole("link", { name: "users", exact: true }).waitFor({ state: "visible" })
    expect(await page.getByRole("navigation", { name: "Main" }).textContent()).toContain("Realtime")
  })

  it("rejects a wrong password with a message and no session", async () => {
    const other = await browser.newPage()
    await other.goto(`${server.url}/_/`)
    await other.getByLabel("Email").fill("admin@example.com")
    await other.getByLabel("Password").fill("wrong-password")
    await other.getByRole("button", { name: "Sign in" }).click()
    await other.getByRole("alert").waitFor()
    expect(await other.getByRole("alert").textContent()).toContain("Failed to authenticate")
    expect(await other.getByRole("heading", { name: "Collections" }).count()).toBe(0)
    await other.close()
  })

  it("shows an invalid API rule's error beside the rule, then creates the collection", async () => {
    await page.goto(`${server.url}/_/#/collections/new`)
    await page.getByLabel("Name", { exact: true }).fill("posts")
    await page.getByLabel("New field type").selectOption("text")
    await page.getByRole("button", { name: "Add field" }).click()
    await page.getByLabel("Field name").last().fill("title")
    await page.getByLabel("List/Search rule: superusers only").uncheck()
    await page.getByLabel("List/Search rule", { exact: true }).fill("no_such_field = 1")
    await page.getByRole("button", { name: "Create" }).click()

    const ruleError = page.locator(".field.has-error", { has: page.getByLabel("List/Search rule", { exact: true }) }).getByRole("alert")
    await ruleError.waitFor()
    expect(await ruleError.textContent()).toContain("Invalid rule")
    expect(await server.admin.collections.getFullList()).not.toContainEqual(expect.objectContaining({ name: "posts" }))

    await page.getByLabel("List/Search rule", { exact: true }).fill("title != ''")
    await page.getByRole("button", { name: "Create" }).click()
    await page.getByRole("heading", { name: "Edit posts" }).waitFor()
    const created = await server.admin.collections.getOne("posts")
    expect(created.listRule).toBe("title != ''")
    expect(created.fields.map((f) => f.name)).toContain("title")
  })

  it("adds a record with a file and shows it, with a preview, in the records list", async () => {
    await server.admin.collections.create({
      name: "photos",
      type: "base",
      fields: [{ name: "caption", type: "text" }, { name: "image", type: "file", maxSelect: 1, maxSize: 1 << 20 }],
    })
    await page.goto(`${server.url}/_/#/collections/photos`)
    await page.getByRole("link", { name: "New record" }).click()
    await page.getByLabel("caption").fill("sunset")
    await page.getByLabel("image").setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: TINY_PNG })
    await page.getByRole("button", { name: "Create" }).click()

    await page.getByRole("heading", { name: /photos/ }).waitFor()
    const row = page.getByRole("row", { name: /sunset/ })
    await row.waitFor()
    const [stored] = await server.admin.collection("photos").getFullList()
    expect(stored?.caption).toBe("sunset")
    expect(stored?.image).toMatch(/^sunset_\w+\.png$/)
    const preview = row.getByRole("img", { name: stored!.image })
    await preview.waitFor({ state: "visible" })
    expect(await preview.evaluate((img) => (img as { complete: boolean; naturalWidth: number }).complete && (img as { naturalWidth: number }).naturalWidth)).toBe(1)
  })

  it("lists a realtime client that subscribes, with its identity and subscription", async () => {
    const subscriber = server.client()
    await subscriber.collection("users").create({ email: "watcher@example.com", password: "watcher-pass-1", passwordConfirm: "watcher-pass-1" })
    await subscriber.collection("users").authWithPassword("watcher@example.com", "watcher-pass-1")
    const unsubscribe = await subscriber.collection("photos").subscribe("*", () => undefined, { query: { tag: "inspector" } })
    try {
      await page.goto(`${server.url}/_/#/realtime`)
      const row = page.getByTestId("realtime-clients").getByRole("row", { name: new RegExp(subscriber.realtime.clientId) })
      await row.waitFor({ timeout: 5_000 })
      const text = await row.textContent()
      expect(text).toContain(`users / ${subscriber.authStore.record!.id}`)
      expect(text).toContain("photos/*")
      expect(text).toContain("tag=inspector")
      expect(text).toContain("127.0.0.1")

      // A record event shows up in the per-collection chart's legend.
      await server.admin.collection("photos").create({ caption: "live" })
      await waitFor(async () => (await page.locator(".legend").first().textContent())?.includes("photos") ?? false, 5_000, "photos in the chart legend")
    } finally {
      await unsubscribe()
    }
  })
})
