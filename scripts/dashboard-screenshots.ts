/**
 * Takes the README's dashboard screenshots (`docs/dashboard-*.png`) with the same headless
 * Chromium the browser tests use: starts a throwaway server, seeds a small blog, subscribes a
 * realtime client and writes records while the inspector is open. `bun scripts/dashboard-screenshots.ts`
 */
import { join } from "node:path"
import { launchBrowser, signIn, TINY_PNG } from "../tests/support/browser.ts"
import "../tests/support/realtime.ts"
import { startPocketbun } from "../tests/support/servers.ts"

const docs = join(import.meta.dir, "..", "docs")
const server = await startPocketbun()
const browser = await launchBrowser()
try {
  const { admin } = server
  const users = await admin.collections.getOne("users")
  await admin.collections.create({
    name: "posts",
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: "@request.auth.id != ''",
    fields: [
      { name: "title", type: "text", required: true, presentable: true },
      { name: "body", type: "editor" },
      { name: "cover", type: "file", maxSelect: 1, mimeTypes: ["image/png", "image/jpeg"] },
      { name: "author", type: "relation", collectionId: users.id, maxSelect: 1 },
      { name: "tags", type: "select", values: ["news", "howto", "release"], maxSelect: 3 },
      { name: "created", type: "autodate", onCreate: true },
    ],
    indexes: ["CREATE INDEX idx_posts_title ON posts (title)"],
  })
  const author = await admin.collection("users").create({ email: "ada@example.com", name: "Ada", password: "ada-password-1", passwordConfirm: "ada-password-1" })
  for (const [title, tags] of [["Hello, pocketbun", ["news"]], ["Realtime in five minutes", ["howto"]], ["Release 0.1", ["release", "news"]]] as const) {
    const body = new FormData()
    body.append("title", title)
    body.append("body", `<p>${title}</p>`)
    body.append("author", author.id)
    for (const tag of tags) body.append("tags", tag)
    body.append("cover", new File([TINY_PNG], "cover.png", { type: "image/png" }))
    await admin.collection("posts").create(body)
  }
  const reader = server.client()
  await reader.collection("users").authWithPassword("ada@example.com", "ada-password-1")
  await reader.collection("posts").subscribe("*", () => undefined, { query: { expand: "author" } })
  const guest = server.client()
  await guest.collection("posts").subscribe("*", () => undefined)

  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } })
  await page.goto(`${server.url}/_/`)
  await page.getByRole("heading", { name: "Superuser sign-in" }).waitFor()
  await page.screenshot({ path: join(docs, "dashboard-login.png") })
  await signIn(page, server.url)
  await page.screenshot({ path: join(docs, "dashboard-collections.png") })
  await page.goto(`${server.url}/_/#/collections/posts/edit`)
  await page.getByRole("heading", { name: "Edit posts" }).waitFor()
  await page.screenshot({ path: join(docs, "dashboard-collection-editor.png"), fullPage: true })
  await page.goto(`${server.url}/_/#/collections/posts`)
  await page.getByRole("row", { name: /Release 0.1/ }).waitFor()
  await page.getByLabel("Expand").fill("author")
  await page.getByLabel("Expand").press("Enter")
  await page.getByRole("row", { name: /Release 0.1.*Ada/ }).waitFor()
  await page.screenshot({ path: join(docs, "dashboard-records.png") })
  await page.getByRole("row", { name: /Release 0.1/ }).getByRole("link").click()
  await page.getByRole("heading", { name: /posts \// }).waitFor()
  await page.locator(".stored-files img").first().waitFor()
  await page.screenshot({ path: join(docs, "dashboard-record-editor.png"), fullPage: true })

  await page.goto(`${server.url}/_/#/realtime`)
  for (let second = 0; second < 12; second++) {
    const burst = 1 + (second % 4) * 2
    for (let i = 0; i < burst; i++) await admin.collection("posts").create({ title: `live ${second}.${i}` })
    if (second % 3 === 0) await admin.collection("users").update(author.id, { name: `Ada ${second}` })
    await Bun.sleep(1000)
  }
  await page.screenshot({ path: join(docs, "dashboard-realtime.png"), fullPage: true })
  await Promise.all([reader.realtime.unsubscribe(), guest.realtime.unsubscribe()])
} finally {
  await browser.close()
  await server.stop()
}
// The SDK's EventSource polyfill keeps the event loop alive after its streams end.
process.exit(0)
