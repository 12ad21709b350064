/**
 * File fields through the SDK: uploads on create and update (with `f+`, `+f`, `f-`), stored
 * names, size/mime/maxSelect errors, files on disk after commits, deletes and cascades, and
 * `GET /api/files/…` with protected files and file tokens. Runs against pocketbun and, where
 * installed, the reference PocketBase (both keep files in `DIR/storage/<collectionId>/<recordId>`).
 */
import { describe, expect, it } from "bun:test"
import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import type { RecordModel } from "pocketbase"
import { conformanceTargets } from "../support/servers.ts"
import { useServer } from "../support/lifecycle.ts"
import { errorBody, failure, OPEN_RULES } from "../support/records-fixture.ts"
import { createDocsAndNotes } from "../support/files-fixture.ts"

const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
])
const STORED = (base: string, ext: string) => new RegExp(`^${base}_[a-z0-9]{10}${ext.replace(".", "\\.")}$`)
const text = (content: string, name: string) => new File([content], name, { type: "text/plain" })

for (const target of conformanceTargets()) {
  describe(`record files (${target.name})`, () => {
    const server = useServer(async () => {
      const s = await target.start()
      const members = await s.admin.collections.create({ name: "members", type: "auth", ...OPEN_RULES, fields: [] })
      await s.admin.collection("members").create({ email: "m@example.com", password: "member-pass-1", passwordConfirm: "member-pass-1" })
      await createDocsAndNotes(s.admin, [
        { name: "one", type: "file", maxSelect: 1 },
        { name: "many", type: "file", maxSelect: 3, maxSize: 20 },
        { name: "img", type: "file", maxSelect: 1, mimeTypes: ["image/png"] },
        { name: "secret", type: "file", maxSelect: 1, protected: true },
      ])
      void members
      return s
    })

    const docs = () => server().client().collection("docs")
    const storageDir = (record: RecordModel) => join(server().dir, "storage", record.collectionId, record.id)
    // The reference keeps a `.attrs` file next to each upload; only the uploads themselves count.
    // The reference removes folders in the background, so one can vanish while being listed.
    const storedFiles = (record: RecordModel): string[] => {
      try {
        return readdirSync(storageDir(record)).filter((n) => !n.endsWith(".attrs")).sort()
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return []
        throw error
      }
    }
    const fetchFile = (record: RecordModel, name: string, query = "") => fetch(`${server().url}/api/files/${record.collectionId}/${record.id}/${name}${query}`)

    it("stores single and multiple uploads on create under PocketBase's names", async () => {
      const record = await docs().create({ one: text("hello world", "My Photo.txt"), many: [text("a", "a.txt"), text("bb", "notes")] })
      expect(record.one).toMatch(STORED("my_photo", ".txt"))
      expect(record.many).toHaveLength(2)
      expect(record.many[0]).toMatch(/^a[a-z0-9]{10}_[a-z0-9]{10}\.txt$/)
      expect(record.many[1]).toMatch(STORED("notes", ".txt"))
      expect(storedFiles(record)).toEqual([record.one, ...record.many].sort())
    })

    it("serves the bytes with the sniffed content type and PocketBase's disposition", async () => {
      const record = await docs().create({ one: text("hello world", "greeting.txt"), img: new File([PNG], "pixel.png", { type: "image/png" }) })
      const plain = await fetchFile(record, record.one)
      expect(plain.status).toBe(200)
      expect(plain.headers.get("content-type")).toBe("text/plain; charset=utf-8")
      expect(plain.headers.get("content-disposition")).toBe(`attachment; filename="${record.one}"`)
      expect(await plain.text()).toBe("hello world")
      const image = await fetchFile(record, record.img)
      expect(image.headers.get("content-type")).toBe("image/png")
      expect(image.headers.get("content-disposition")).toBe(`inline; filename="${record.img}"`)
      expect(image.headers.get("x-frame-options")).toBeNull()
      expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG)
      const download = await fetchFile(record, record.img, "?download=1")
      expect(download.headers.get("content-disposition")).toBe(`attachment; filename="${record.img}"`)
      const range = await fetch(`${server().url}/api/files/docs/${record.id}/${record.one}`, { headers: { Range: "bytes=0-3" } })
      expect(range.status).toBe(206)
      expect(await range.text()).toBe("hell")
    })

    it("serves non-protected files to guests whatever the viewRule", async () => {
      const record = await docs().create({ one: text("public", "public.txt") })
      expect(server().client().files.getURL(record, record.one)).toContain(`/api/files/`)
      expect((await fetchFile(record, record.one)).status).toBe(200)
    })

    it("answers 404 in PocketBase's shape for missing files, records and collections", async () => {
      const record = await docs().create({ one: text("x", "x.txt") })
      for (const path of [`docs/${record.id}/nope.txt`, `docs/aaaaaaaaaaaaaaa/${record.one}`]) {
        const res = await fetch(`${server().url}/api/files/${path}`)
        expect(res.status).toBe(404)
        expect(await res.json()).toEqual({ data: {}, message: "The requested resource wasn't found.", status: 404 })
      }
      const res = await fetch(`${server().url}/api/files/nothing/${record.id}/${record.one}`)
      expect(await res.json()).toEqual({ data: {}, message: "Missing or invalid collection context.", status: 404 })
    })

    it("appends with f+, prepends with +f and removes with f- (removed files leave the disk)", async () => {
      const record = await docs().create({ many: [text("1", "one.txt")] })
      const first = record.many[0]
      const appended = await docs().update(record.id, { "many+": text("2", "two.txt") })
      expect(appended.many).toEqual([first, expect.stringMatching(STORED("two", ".txt"))])
      const form = new FormData()
      form.append("+many", text("0", "zero.txt"))
      const prepended = await docs().update(record.id, form)
      expect(prepended.many).toHaveLength(3)
      expect(prepended.many[0]).toMatch(STORED("zero", ".txt"))
      const removed = await docs().update(record.id, { "many-": first })
      expect(removed.many).toEqual(prepended.many.slice(0, 1).concat(appended.many[1]))
      expect(storedFiles(record)).toEqual([...removed.many].sort())
    })

    it("replaces the list when uploading under the plain key, keeping names sent alongside", async () => {
      const record = await docs().create({ many: [text("1", "one.txt"), text("2", "two.txt")] })
      const form = new FormData()
      form.append("many", record.many[1])
      form.append("many", text("3", "three.txt"))
      const updated = await docs().update(record.id, form)
      expect(updated.many).toEqual([record.many[1], expect.stringMatching(STORED("three", ".txt"))])
      expect(storedFiles(record)).toEqual([...updated.many].sort())
    })

    it("drops the old file from disk when a single file is replaced or cleared", async () => {
      const record = await docs().create({ one: text("old", "old.txt") })
      const replaced = await docs().update(record.id, { one: text("new", "new.txt") })
      expect(replaced.one).toMatch(STORED("new", ".txt"))
      expect(storedFiles(record)).toEqual([replaced.one])
      expect((await fetchFile(record, record.one)).status).toBe(404)
      const cleared = await docs().update(record.id, { one: null })
      expect(cleared.one).toBe("")
      expect(storedFiles(record)).toEqual([])
    })

    it("rejects files over maxSize, of a type not allowed, or beyond maxSelect with PocketBase's codes", async () => {
      const big = errorBody(await failure(docs().create({ many: [text("x".repeat(21), "big.txt")] })))
      expect(big.data.many).toEqual({
        code: "validation_file_size_limit",
        message: "Failed to upload big.txt - the maximum allowed file size is 20 bytes.",
        params: { file: "big.txt", maxSize: 20 },
      })
      const mime = errorBody(await failure(docs().create({ img: text("not a png", "fake.png") })))
      expect(mime.data.img.code).toBe("validation_invalid_mime_type")
      expect(mime.data.img.message).toMatch(/^"fake_[a-z0-9]{10}\.png" mime type must be one of: image\/png\.$/)
      const many = errorBody(await failure(docs().create({ many: ["1", "2", "3", "4"].map((n) => text(n, `${n}.txt`)) })))
      expect(many.data.many).toEqual({ code: "validation_too_many_files", message: "The maximum allowed files is 3.", params: { maxSelect: 3 } })
      const invented = errorBody(await failure(docs().create({ one: "invented.txt" })))
      expect(invented.data.one).toEqual({ code: "validation_invalid_file", message: "Invalid new files: [invented.txt].", params: { invalidFiles: ["invented.txt"] } })
    })

    it("ignores file parts under keys that are not file fields", async () => {
      const record = await docs().create({ title: new File(["ignored"], "ignored.txt"), one: text("kept", "kept.txt") })
      expect(record.title).toBe("")
      expect(storedFiles(record)).toEqual([record.one])
    })

    it("leaves no file on disk for an invalid or rolled-back create", async () => {
      const collectionDir = join(server().dir, "storage", (await server().admin.collections.getOne("docs")).id)
      const allFiles = () => (existsSync(collectionDir) ? readdirSync(collectionDir, { recursive: true }).map(String).filter((n) => /\.(txt|png)$/.test(n)).sort() : [])
      await docs().create({ title: "unique title", one: text("kept", "kept.txt") })
      const before = allFiles()
      const invalid = await failure(docs().create({ one: text("x", "x.txt"), many: [text("x".repeat(30), "big.txt")] }))
      expect(invalid.status).toBe(400)
      const duplicate = errorBody(await failure(docs().create({ title: "unique title", one: text("dup", "dup.txt") })))
      expect(duplicate.data.title.code).toBe("validation_not_unique")
      expect(allFiles()).toEqual(before)
    })

    it("removes a deleted record's files, and those of records deleted by cascade", async () => {
      const record = await docs().create({ one: text("bye", "bye.txt") })
      const note = await server().client().collection("notes").create({ doc: record.id, attachment: text("note", "note.txt") })
      expect(storedFiles(note)).toEqual([note.attachment])
      await docs().delete(record.id)
      // pocketbun removes them before answering; PocketBase does it in the background just after.
      const deadline = Date.now() + (target.name === "pocketbun" ? 0 : 3000)
      while (Date.now() < deadline && storedFiles(record).length + storedFiles(note).length > 0) await Bun.sleep(20)
      expect(storedFiles(record)).toEqual([])
      expect(storedFiles(note)).toEqual([])
      expect((await fetchFile(record, record.one)).status).toBe(404)
    })

    it("removes the files of a truncated collection and of a deleted collection", async () => {
      const scratch = await server().admin.collections.create({ name: "scratch", ...OPEN_RULES, fields: [{ name: "f", type: "file", maxSelect: 1 }] })
      const folder = join(server().dir, "storage", scratch.id)
      const upload = () => server().client().collection("scratch").create({ f: text("temporary", "temp.txt") })
      // Both servers remove a collection's files in the background, just after answering.
      const leftovers = (): string[] => {
        try {
          return readdirSync(folder, { recursive: true }).map(String).filter((n) => n.includes("temp_") && !n.endsWith(".attrs"))
        } catch (error) {
          if ((error as { code?: string }).code === "ENOENT") return [] // removed, possibly while being listed
          throw error
        }
      }
      const gone = async () => {
        const deadline = Date.now() + 3000
        while (Date.now() < deadline && leftovers().length > 0) await Bun.sleep(20)
        return leftovers()
      }
      await upload()
      expect(leftovers()).toHaveLength(1)
      await server().admin.collections.truncate(scratch.id)
      expect(await gone()).toEqual([])
      await upload()
      expect(leftovers()).toHaveLength(1)
      await server().admin.collections.delete(scratch.id)
      expect(await gone()).toEqual([])
    })

    it("keeps the old file and drops the new upload when a batch replacing it fails", async () => {
      const record = await docs().create({ one: text("original", "orig.txt") })
      await server().admin.settings.update({ batch: { enabled: true, maxRequests: 10 } })
      const batch = server().admin.createBatch()
      batch.collection("docs").update(record.id, { one: text("replacement", "replacement.txt") })
      batch.collection("no_such_collection").create({})
      expect((await failure(batch.send())).status).toBe(400)
      const deadline = Date.now() + (target.name === "pocketbun" ? 0 : 3000)
      while (Date.now() < deadline && storedFiles(record).length !== 1) await Bun.sleep(20)
      expect(storedFiles(record)).toEqual([record.one])
      expect(await (await fetchFile(record, record.one)).text()).toBe("original")
    })

    it("serves protected files only with a file token whose record passes the viewRule", async () => {
      const record = await docs().create({ secret: text("classified", "secret.txt") })
      expect((await fetchFile(record, record.secret)).status).toBe(404)
      const member = server().client()
      await member.collection("members").authWithPassword("m@example.com", "member-pass-1")
      // The Authorization header alone is not enough: only ?token= counts for protected files.
      const withHeader = await fetch(`${server().url}/api/files/docs/${record.id}/${record.secret}`, { headers: { Authorization: member.authStore.token } })
      expect(withHeader.status).toBe(404)
      const token = await member.files.getToken()
      const res = await fetch(member.files.getURL(record, record.secret, { token }))
      expect(res.status).toBe(200)
      expect(await res.text()).toBe("classified")
      expect((await fetchFile(record, record.secret, "?token=forged")).status).toBe(404)
      const guestToken = await fetch(`${server().url}/api/files/token`, { method: "POST" })
      expect(guestToken.status).toBe(401)
      expect(await guestToken.json()).toEqual({ data: {}, message: "The request requires valid record authorization token.", status: 401 })
    })
  })
}

for (const target of conformanceTargets()) {
  describe(`protected files and superuserIPs (${target.name})`, () => {
    const server = useServer(() => target.start())

    it("ignores a superuser's file token from outside superuserIPs", async () => {
      const { admin } = server()
      await admin.collections.create({ name: "vault", ...OPEN_RULES, viewRule: "@request.auth.id != ''", fields: [{ name: "secret", type: "file", maxSelect: 1, protected: true }] })
      const record = await admin.collection("vault").create({ secret: text("locked", "locked.txt") })
      const token = await admin.files.getToken()
      const url = `${server().url}/api/files/${record.collectionId}/${record.id}/${record.secret}?token=${token}`
      const before = await fetch(url)
      expect([before.status, await before.text()]).toEqual([200, "locked"])
      // This also locks the test's superuser client out, so the server is this test's alone.
      await admin.settings.update({ superuserIPs: ["10.9.8.7"] })
      expect((await fetch(url)).status).toBe(404)
    })
  })
}
