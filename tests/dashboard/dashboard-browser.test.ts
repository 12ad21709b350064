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
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createApp } from "../../src/app.ts"
import { makeConfig } from "../../src/config.ts"
import { serveApp } from "../../src/server.ts"
import { installLink } from "../../src/dashboard/index.ts"

const unavailable = browserUnavailable()

// Run inside the page (as source text: the server's type settings have no DOM types).
const UNLABELLED_CONTROLS = `[...document.querySelectorAll("input, select, textarea")]
  .filter((el) => el.labels.length === 0 && !el.getAttribute("aria-label"))
  .map((el) => el.outerHTML)`
const FOCUSED_TEXT_AND_OUTLINE = `[document.activeElement.textContent, getComputedStyle(document.activeElement).outlineStyle]`
const SUBSCRIBE_FROM_PAGE = `new Promise((resolve) => {
  const source = new EventSource("/api/realtime")
  source.addEventListener("PB_CONNECT", async (event) => {
    const { clientId } = JSON.parse(event.data)
    const body = JSON.stringify({ clientId, subscriptions: ["photos"] })
    await fetch("/api/realtime", { method: "POST", headers: { "content-type": "application/json" }, body })
    resolve(clientId)
  })
})`

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

  it("creates the first superuser from the install link and signs in with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pocketbun-first-run-"))
    const app = createApp(makeConfig({ dir, migrationsDir: join(dir, "none") }))
    const fresh = await serveApp(app, "127.0.0.1", 0)
    const tab = await browser.newPage()
    try {
      await tab.goto(installLink(app.services, fresh.url)!)
      await tab.getByLabel("Email").fill("first@example.com")
      await tab.getByLabel("Password", { exact: true }).fill("first-pass-1")
      await tab.getByLabel("Confirm password").fill("first-pass-2")
      await tab.getByLabel("Confirm password").press("Enter")
      await tab.getByText("Values don't match.").waitFor()
      await tab.getByLabel("Confirm password").fill("first-pass-1")
      await tab.getByRole("button", { name: "Create and sign in" }).click()
      await tab.getByRole("heading", { name: "Collections" }).waitFor()
      expect(await tab.getByRole("navigation", { name: "Main" }).textContent()).toContain("first@example.com")
    } finally {
      await tab.close()
      await fresh.stop()
      rmSync(dir, { recursive: true, force: true })
    }
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
    // The preview really loaded: the served file decoded as a 1-pixel-wide image.
    await waitFor(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth === 1), 5_000, "the preview to load")
  })

  it("edits a record: picks a related record, removes its file, and deletes it", async () => {
    const photos = await server.admin.collections.getOne("photos")
    await server.admin.collections.create({
      name: "albums",
      type: "base",
      fields: [{ name: "label", type: "text", presentable: true }, { name: "cover", type: "relation", collectionId: photos.id, maxSelect: 1 }, { name: "scan", type: "file", maxSelect: 1 }],
    })
    const [photo] = await server.admin.collection("photos").getFullList()
    const body = new FormData()
    body.append("label", "summer")
    body.append("scan", new File([TINY_PNG], "scan.png", { type: "image/png" }))
    const album = await server.admin.collection("albums").create(body)

    await page.goto(`${server.url}/_/#/collections/albums/records/${album.id}`)
    await page.getByLabel("cover (from photos)").selectOption(photo!.id)
    await page.getByRole("button", { name: `Remove ${album.scan}` }).click()
    await page.getByRole("button", { name: "Save changes" }).click()
    await page.getByRole("heading", { name: /albums/ }).waitFor()
    await page.getByRole("row", { name: /summer/ }).waitFor()
    const saved = await server.admin.collection("albums").getOne(album.id)
    expect(saved.cover).toBe(photo!.id)
    expect(saved.scan).toBe("")

    page.once("dialog", (dialog) => void dialog.accept())
    await page.getByRole("link", { name: `Open record ${album.id}` }).click()
    await page.getByRole("button", { name: "Delete record" }).click()
    await page.getByText("No records match.").waitFor()
    expect(await server.admin.collection("albums").getFullList()).toEqual([])
  })

  it("labels every control and submits forms with Enter", async () => {
    const unlabelled = () => page.evaluate<string[]>(UNLABELLED_CONTROLS)
    await page.goto(`${server.url}/_/#/collections/new`)
    for (const type of ["text", "number", "select", "file", "relation", "json"]) {
      await page.getByLabel("New field type").selectOption(type)
      await page.getByRole("button", { name: "Add field" }).click()
    }
    expect(await unlabelled()).toEqual([])
    await page.goto(`${server.url}/_/#/collections/photos/records/new`)
    await page.getByLabel("caption").waitFor()
    expect(await unlabelled()).toEqual([])

    // The first Tab reaches the skip link, drawn with a visible focus ring.
    await page.goto(`${server.url}/_/#/collections`)
    await page.reload()
    await page.getByRole("heading", { name: "Collections" }).waitFor()
    await page.keyboard.press("Tab")
    expect(await page.evaluate<[string, string]>(FOCUSED_TEXT_AND_OUTLINE)).toEqual(["Skip to content", "solid"])

    // Enter in the filter box applies it.
    await page.goto(`${server.url}/_/#/collections/photos`)
    await page.getByLabel("Filter").fill(`caption = "nothing like this"`)
    await page.getByLabel("Filter").press("Enter")
    await page.getByText("No records match.").waitFor()
  })

  it("shows settings as forms, or says the server lacks the settings API when it answers 404", async () => {
    const offered = (await fetch(`${server.url}/api/settings`, { headers: { authorization: server.admin.authStore.token } })).status !== 404
    await page.goto(`${server.url}/_/#/settings`)
    if (offered) {
      await page.getByRole("button", { name: "Save meta" }).waitFor()
    } else {
      const alert = page.getByRole("alert")
      await alert.waitFor()
      expect(await alert.textContent()).toContain("does not offer the settings API")
    }
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
      expect(text).toContain(`watcher@example.com users / ${subscriber.authStore.record!.id}`)
      expect(text).toContain("photos/*")
      expect(text).toContain("tag=inspector")
      expect(text).toContain("127.0.0.1")

      // A client subscribing from another browser tab shows up too, as a guest.
      const tab = await browser.newPage()
      await tab.goto(`${server.url}/_/`)
      const tabClientId = await tab.evaluate<string>(SUBSCRIBE_FROM_PAGE)
      const tabRow = page.getByTestId("realtime-clients").getByRole("row", { name: new RegExp(tabClientId) })
      await tabRow.waitFor({ timeout: 5_000 })
      expect(await tabRow.textContent()).toContain("guest")
      await tab.close()

      // A record event shows up in the per-collection chart's legend.
      await server.admin.collection("photos").create({ caption: "live" })
      await waitFor(async () => (await page.locator(".legend").first().textContent())?.includes("photos") ?? false, 5_000, "photos in the chart legend")
    } finally {
      await unsubscribe()
    }
  })
})
