/**
 * The automigrate round trip: schema changes made through the collections API (create, add and
 * remove fields, indexes, rules, rename, delete) are written as migration files by one server,
 * and those files, applied to a fresh instance of the other server, give the same collections.
 * Runs both ways: the reference's files on pocketbun, pocketbun's files on the reference.
 */
import { afterAll, describe, expect, it } from "bun:test"
import { cpSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import PocketBase from "pocketbase"
import { SUPERUSER_EMAIL, SUPERUSER_PASSWORD } from "../support/servers.ts"
import { appRoot, referenceAvailable, startPocketbunApp, startReferenceApp, stopApp, type AppServer } from "./support.ts"

type Start = (root: string) => Promise<AppServer>

async function admin(server: AppServer): Promise<PocketBase> {
  const pb = new PocketBase(server.url)
  pb.autoCancellation(false)
  await pb.collection("_superusers").authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD)
  return pb
}

// PocketBase names files by the second and the collection, so a second update of one collection
// within the same second would overwrite the first file: each update waits for a new second.
const nextSecond = () => Bun.sleep(1000 - (Date.now() % 1000) + 5)

/** The schema changes, through the SDK. */
async function changeSchema(pb: PocketBase): Promise<void> {
  const authors = await pb.collections.create({ name: "authors", type: "base", fields: [{ name: "name", type: "text", required: true }] })
  const posts = await pb.collections.create({
    name: "posts",
    type: "base",
    listRule: "",
    fields: [
      { name: "title", type: "text", required: true, max: 120 },
      { name: "count", type: "number" },
      { name: "author", type: "relation", collectionId: authors.id, maxSelect: 1 },
    ],
    indexes: ["CREATE INDEX idx_posts_title ON posts (title)"],
  })
  const fields = posts.fields.filter((f) => f.name !== "count").map((f) => (f.name === "title" ? { ...f, max: 200 } : f))
  await nextSecond()
  await pb.collections.update(posts.id, { fields: [...fields, { name: "tags", type: "select", values: ["a", "b"], maxSelect: 2 }], viewRule: "@request.auth.id != ''" })
  await nextSecond()
  await pb.collections.update(posts.id, { name: "articles", indexes: ["CREATE UNIQUE INDEX idx_articles_title ON articles (title)"] })
  await pb.collections.create({
    name: "members",
    type: "auth",
    fields: [{ name: "nickname", type: "text" }],
    oauth2: { enabled: true, providers: [{ name: "gitlab", clientId: "client-id", clientSecret: "client-secret-123" }] },
  })
  const scratch = await pb.collections.create({ name: "scratch", type: "base", fields: [{ name: "x", type: "text" }] })
  await pb.collections.delete(scratch.id)
}

const CHANGED = ["articles", "authors", "members", "scratch"]

// The collections the changes touched (system ones are compared elsewhere); dates differ, everything else must match.
async function collections(pb: PocketBase): Promise<unknown[]> {
  const list = await pb.collections.getFullList({ sort: "name" })
  // OAuth2 providers are left out of migrations (their secrets must not reach the files).
  return list.filter((c) => CHANGED.includes(c.name)).map(({ created: _c, updated: _u, ...rest }) => {
    if (rest.oauth2) rest.oauth2 = { ...rest.oauth2, providers: [] }
    return rest
  })
}

async function roundTrip(writer: Start, reader: Start): Promise<{ written: string[]; texts: string; expected: unknown[]; actual: unknown[] }> {
  const source = await writer(appRoot())
  let target: AppServer | undefined
  try {
    await changeSchema(await admin(source))
    const expected = await collections(await admin(source))
    const written = readdirSync(join(source.root, "pb_migrations")).sort()
    const texts = written.map((file) => readFileSync(join(source.root, "pb_migrations", file), "utf8")).join("\n")
    const root = appRoot()
    cpSync(join(source.root, "pb_migrations"), join(root, "pb_migrations"), { recursive: true })
    target = await reader(root)
    return { written, texts, expected, actual: await collections(await admin(target)) }
  } finally {
    await stopApp(source)
    await stopApp(target)
  }
}

describe("automigrate", () => {
  const pocketbun: Start = (root) => startPocketbunApp(root)
  const reference: Start = (root) => startReferenceApp(root)
  const stopped: AppServer[] = []
  afterAll(async () => {
    for (const server of stopped) await stopApp(server)
  })

  it("pocketbun writes a migration per API change, and a fresh pocketbun replays them to the same schema", async () => {
    const { written, texts, expected, actual } = await roundTrip(pocketbun, pocketbun)
    expect(texts).not.toContain("client-secret-123")
    expect(texts).not.toContain("client-id")
    expect(written.map((f) => f.replace(/^\d+_/, ""))).toEqual([
      "created_authors.js", "created_posts.js", "updated_posts.js", "updated_posts.js", "created_members.js", "created_scratch.js", "deleted_scratch.js",
    ])
    expect(actual).toEqual(expected)
  }, 60_000)

  it("records its own files as applied, so a restart does not run them again", async () => {
    const root = appRoot()
    const first = await pocketbun(root)
    await (await admin(first)).collections.create({ name: "MyTest", type: "base", fields: [{ name: "x", type: "text" }] })
    await first.stop()
    expect(readdirSync(join(root, "pb_migrations"))).toEqual([expect.stringMatching(/^\d+_created_MyTest_\.js$/)])
    const second = await pocketbun(root)
    stopped.push(second)
    expect((await collections(await admin(second))).length).toBe(0)
    expect((await (await admin(second)).collections.getOne("MyTest")).name).toBe("MyTest")
  }, 60_000)

  if (!referenceAvailable()) return

  it("migrations the reference wrote give pocketbun the reference's collections", async () => {
    const { expected, actual } = await roundTrip(reference, pocketbun)
    expect(actual).toEqual(expected)
  }, 60_000)

  it("migrations pocketbun wrote give the reference pocketbun's collections", async () => {
    const { expected, actual } = await roundTrip(pocketbun, reference)
    expect(actual).toEqual(expected)
  }, 60_000)
})
