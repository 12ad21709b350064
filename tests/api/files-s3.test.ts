/**
 * Record files in an S3-compatible bucket (moto on loopback), switched on through `settings.s3`:
 * uploads, streamed and ranged downloads, `?download=1`, thumbs, replacements, deletes and
 * cascades, rolled-back creates, protected files, switching back to local storage, and
 * `POST /api/settings/test/s3`. Runs against pocketbun and, where installed, the reference
 * PocketBase (both keep objects under `<collectionId>/<recordId>/<name>`).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import type { RecordModel } from "pocketbase"
import sharp from "sharp"
import { conformanceTargets, startPocketbun, SUPERUSER_EMAIL, SUPERUSER_PASSWORD } from "../support/servers.ts"
import { useServer } from "../support/lifecycle.ts"
import { errorBody, failure, OPEN_RULES } from "../support/records-fixture.ts"
import { createDocsAndNotes } from "../support/files-fixture.ts"
import { s3Unavailable, startS3, type TestS3 } from "../support/s3.ts"

const unavailable = s3Unavailable()
if (unavailable) console.log(`S3 tests: ${unavailable}`)
// Under CI the server must be there: the suite fails instead of skipping.
const skip = unavailable !== null && process.env.CI !== "true"

let s3: TestS3
beforeAll(async () => {
  if (!skip) s3 = await startS3()
}, 30_000)
afterAll(async () => {
  await s3?.stop()
})

const text = (content: string, name: string) => new File([content], name, { type: "text/plain" })

// The reference removes files in the background after a delete.
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<T> {
  const deadline = Date.now() + 5_000
  let value = await read()
  while (!Bun.deepEquals(value, expected) && Date.now() < deadline) {
    await Bun.sleep(25)
    value = await read()
  }
  return value
}

for (const target of conformanceTargets()) {
  describe.skipIf(skip)(`files in S3 (${target.name})`, () => {
    const bucket = `files-${target.name}`
    const server = useServer(async () => {
      const s = await target.start()
      await s3.createBucket(bucket)
      await s.admin.settings.update({ s3: s3.settings(bucket) })
      await createDocsAndNotes(s.admin, [
        { name: "one", type: "file", maxSelect: 1 },
        { name: "secret", type: "file", maxSelect: 1, protected: true },
      ])
      return s
    })
    const docs = () => server().client().collection("docs")
    const objects = (record: RecordModel) => s3.keys(bucket, `${record.collectionId}/${record.id}/`)
    const key = (record: RecordModel, name: string) => `${record.collectionId}/${record.id}/${name}`
    const fileUrl = (record: RecordModel, name: string, query = "") => `${server().url}/api/files/${record.collectionId}/${record.id}/${name}${query}`

    it("stores uploads in the bucket, not on the local disk", async () => {
      const record = await docs().create({ one: text("hello from s3", "hello.txt") })
      expect(await objects(record)).toEqual([key(record, record.one)])
      expect(await s3.contentType(bucket, key(record, record.one))).toBe("text/plain; charset=utf-8")
      expect(existsSync(join(server().dir, "storage", record.collectionId, record.id))).toBe(false)
    })

    it("serves files from the bucket whole, by byte range and as attachments", async () => {
      const record = await docs().create({ one: text("0123456789abcdef", "digits.txt") })
      const whole = await fetch(fileUrl(record, record.one))
      expect([whole.status, whole.headers.get("content-type"), await whole.text()]).toEqual([200, "text/plain; charset=utf-8", "0123456789abcdef"])
      const part = await fetch(fileUrl(record, record.one), { headers: { range: "bytes=4-7" } })
      expect([part.status, part.headers.get("content-range"), await part.text()]).toEqual([206, "bytes 4-7/16", "4567"])
      const attachment = await fetch(fileUrl(record, record.one, "?download=1"))
      expect(attachment.headers.get("content-disposition")).toBe(`attachment; filename="${record.one}"`)
      await attachment.arrayBuffer()
    })

    it("makes thumbs from the bucket and keeps them beside the file there", async () => {
      const png = await sharp({ create: { width: 120, height: 60, channels: 3, background: "#00aa00" } }).png().toBuffer()
      const record = await docs().create({ one: new File([png], "green.png") })
      const thumb = await fetch(fileUrl(record, record.one, "?thumb=100x100"))
      const meta = await sharp(new Uint8Array(await thumb.arrayBuffer())).metadata()
      expect([thumb.status, meta.width, meta.height]).toEqual([200, 100, 100])
      const thumbKey = key(record, `thumbs_${record.one}/100x100_${record.one}`)
      expect(await objects(record)).toEqual([key(record, record.one), thumbKey])
      expect(await s3.contentType(bucket, thumbKey)).toBe("image/png")
    })

    it("removes replaced files, deleted records' files and cascaded records' files from the bucket", async () => {
      const record = await docs().create({ one: text("first", "first.txt") })
      const updated = await docs().update(record.id, { one: text("second", "second.txt") })
      expect(await eventually(() => objects(record), [key(record, updated.one)])).toEqual([key(record, updated.one)])
      const note = await server().client().collection("notes").create({ doc: record.id, attachment: text("note", "note.txt") })
      expect(await objects(note)).toHaveLength(1)
      await docs().delete(record.id)
      expect(await eventually(() => objects(record), [])).toEqual([])
      expect(await eventually(() => objects(note), [])).toEqual([])
    })

    it("leaves nothing in the bucket for a create that fails its checks or rolls back", async () => {
      await docs().create({ title: "taken" })
      const before = await s3.keys(bucket)
      const clash = await failure(docs().create({ title: "taken", one: text("x", "clash.txt") }))
      expect(clash.status).toBe(400)
      const invalid = await failure(docs().create({ one: "never-uploaded.txt", secret: text("b", "b.txt") }))
      expect(invalid.status).toBe(400)
      expect(await eventually(() => s3.keys(bucket), before)).toEqual(before)
    })

    it("serves protected files from the bucket only with a file token that passes the viewRule", async () => {
      const record = await docs().create({ secret: text("classified", "secret.txt") })
      expect((await fetch(fileUrl(record, record.secret))).status).toBe(404)
      const member = server().client()
      await member.collection("_superusers").authWithPassword("admin@example.com", "admin-password-123")
      const token = await member.files.getToken()
      const allowed = await fetch(fileUrl(record, record.secret, `?token=${token}`))
      expect([allowed.status, await allowed.text()]).toEqual([200, "classified"])
    })

    it("answers POST /api/settings/test/s3 with 204 for a working bucket and 400 for a missing one", async () => {
      const ok = await fetch(`${server().url}/api/settings/test/s3`, {
        method: "POST",
        headers: { authorization: server().admin.authStore.token, "content-type": "application/json" },
        body: JSON.stringify({ filesystem: "storage" }),
      })
      expect(ok.status).toBe(204)
      expect((await failure(server().admin.settings.testS3("backups"))).status).toBe(400)
    })

    it("fails an upload to a bucket that is gone without saving the record", async () => {
      await server().admin.settings.update({ s3: s3.settings(`missing-${target.name}`) })
      try {
        const total = (await server().admin.collection("docs").getList(1, 1)).totalItems
        const error = errorBody(await failure(docs().create({ title: "orphan?", one: text("x", "lost.txt") })))
        expect(error).toEqual({ status: 400, message: "Failed to create record.", data: {} })
        expect((await server().admin.collection("docs").getList(1, 1)).totalItems).toBe(total)
      } finally {
        await server().admin.settings.update({ s3: s3.settings(bucket) })
      }
    })

    it("switches back to the local disk when S3 is disabled", async () => {
      await server().admin.settings.update({ s3: { enabled: false } })
      try {
        const record = await docs().create({ one: text("local again", "local.txt") })
        const folder = join(server().dir, "storage", record.collectionId, record.id)
        expect(readdirSync(folder).filter((n) => !n.endsWith(".attrs"))).toEqual([record.one])
        expect(await objects(record)).toEqual([])
        expect(await (await fetch(fileUrl(record, record.one))).text()).toBe("local again")
      } finally {
        await server().admin.settings.update({ s3: s3.settings(bucket) })
      }
    })
  })
}

describe.skipIf(skip)("storage switching (pocketbun)", () => {
  it("follows settings.s3 changed by another app sharing the data directory, on its next request", async () => {
    const bucket = await s3.createBucket("shared-dir")
    const first = await startPocketbun()
    const second = await startPocketbun({ dir: first.dir })
    try {
      // The second app's superuser upsert signed the first one's admin client out; it changes the settings.
      await second.admin.collections.create({ name: "shared", ...OPEN_RULES, fields: [{ name: "f", type: "file", maxSelect: 1 }] })
      await second.admin.settings.update({ s3: s3.settings(bucket) })
      const record = await first.client().collection("shared").create({ f: text("via the other app", "other.txt") })
      expect(await s3.keys(bucket)).toEqual([`${record.collectionId}/${record.id}/${record.f}`])
      const served = await fetch(`${first.url}/api/files/${record.collectionId}/${record.id}/${record.f}`)
      expect(await served.text()).toBe("via the other app")
    } finally {
      await second.stop()
      await first.stop()
    }
  })

  it("keeps backups in DIR/backups, or in the settings.backups.s3 bucket while it is enabled, and restores from there", async () => {
    const bucket = await s3.createBucket("backups-bucket")
    const server = await startPocketbun()
    try {
      const { admin } = server
      await admin.backups.create("local.zip")
      expect(readdirSync(join(server.dir, "backups"))).toEqual(["local.zip"])
      await admin.settings.update({ backups: { s3: s3.settings(bucket) } })
      await admin.collections.create({ name: "kept", ...OPEN_RULES, fields: [{ name: "title", type: "text" }] })
      await admin.backups.create("remote.zip")
      expect(await s3.keys(bucket)).toEqual(["remote.zip"])
      expect((await admin.backups.getFullList()).map((b) => b.key)).toEqual(["remote.zip"])
      const token = await admin.files.getToken()
      const download = await fetch(`${server.url}/api/backups/remote.zip?token=${token}`)
      expect([download.status, download.headers.get("content-type")]).toEqual([200, "application/zip"])
      await download.arrayBuffer()
      await admin.collections.delete("kept")
      await admin.backups.restore("remote.zip")
      await admin.collection("_superusers").authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD)
      expect((await admin.collections.getOne("kept")).name).toBe("kept")
      await admin.settings.update({ backups: { s3: { enabled: false } } })
      expect((await admin.backups.getFullList()).map((b) => b.key)).toEqual(["local.zip"])
    } finally {
      await server.stop()
    }
  }, 30_000)
})
