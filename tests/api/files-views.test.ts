/**
 * View collections that expose file fields: the view's columns taken from a file field are file
 * fields themselves, and `GET /api/files/<view>/<viewRecordId>/<name>` serves the file stored
 * with the record it comes from (through joins and views of views), thumbs and protected files
 * included. Runs against pocketbun and, where installed, the reference PocketBase.
 */
import { describe, expect, it } from "bun:test"
import type { RecordModel } from "pocketbase"
import sharp from "sharp"
import { conformanceTargets, SUPERUSER_EMAIL, SUPERUSER_PASSWORD } from "../support/servers.ts"
import { useServer } from "../support/lifecycle.ts"
import { OPEN_RULES } from "../support/records-fixture.ts"

const VIEW_RULES = { listRule: "", viewRule: "" }

for (const target of conformanceTargets()) {
  describe(`files of view collections (${target.name})`, () => {
    const server = useServer(async () => {
      const s = await target.start()
      const posts = await s.admin.collections.create({
        name: "posts",
        ...OPEN_RULES,
        fields: [
          { name: "title", type: "text" },
          { name: "photo", type: "file", maxSelect: 1, thumbs: ["20x10"] },
          { name: "docs", type: "file", maxSelect: 5 },
          { name: "secret", type: "file", maxSelect: 1, protected: true },
        ],
      })
      await s.admin.collections.create({ name: "notes", ...OPEN_RULES, fields: [{ name: "post", type: "relation", collectionId: posts.id, maxSelect: 1 }] })
      await s.admin.collections.create({ name: "post_files", type: "view", ...VIEW_RULES, viewQuery: "SELECT id, title, photo, docs AS attachments, secret FROM posts" })
      await s.admin.collections.create({ name: "pics", type: "view", ...VIEW_RULES, viewQuery: "SELECT id, photo AS pic FROM post_files" })
      await s.admin.collections.create({ name: "note_covers", type: "view", ...VIEW_RULES, viewQuery: "SELECT n.id, p.photo AS cover FROM notes n JOIN posts p ON p.id = n.post" })
      await s.admin.collections.create({ name: "guarded", type: "view", listRule: "", viewRule: "@request.auth.id != ''", viewQuery: "SELECT id, secret FROM posts" })
      return s
    })
    const client = () => server().client()
    const url = (collection: string, id: string, name: string, query = "") => `${server().url}/api/files/${collection}/${id}/${name}${query}`
    let post: RecordModel
    const png = () => sharp({ create: { width: 80, height: 60, channels: 3, background: "#aa3300" } }).png().toBuffer()
    const ensurePost = async () => {
      post ??= await client().collection("posts").create({
        title: "with files",
        photo: new File([await png()], "cover.png"),
        docs: [new File(["doc one"], "one.txt"), new File(["doc two"], "two.txt")],
        secret: new File(["hidden"], "secret.txt"),
      })
      return post
    }

    it("types the view's columns taken from file fields as file fields with the source's options", async () => {
      const view = await server().admin.collections.getOne("post_files")
      const shape = view.fields.filter((f) => f.type === "file").map((f) => ({ name: f.name, maxSelect: f.maxSelect, protected: f.protected, thumbs: f.thumbs, id: /^_clone_/.test(f.id) }))
      expect(shape).toEqual([
        { name: "photo", maxSelect: 1, protected: false, thumbs: ["20x10"], id: true },
        { name: "attachments", maxSelect: 5, protected: false, thumbs: [], id: true },
        { name: "secret", maxSelect: 1, protected: true, thumbs: [], id: true },
      ])
    })

    it("serves a view record's files from the record they come from", async () => {
      const source = await ensurePost()
      const row = await client().collection("post_files").getOne(source.id)
      expect(row.attachments).toEqual(source.docs)
      const doc = await fetch(url("post_files", row.id, row.attachments[1]))
      expect([doc.status, await doc.text()]).toEqual([200, "doc two"])
      const thumb = await fetch(url("post_files", row.id, row.photo, "?thumb=20x10"))
      const meta = await sharp(new Uint8Array(await thumb.arrayBuffer())).metadata()
      expect([thumb.status, meta.width, meta.height]).toEqual([200, 20, 10])
    })

    it("follows views of views and joined collections", async () => {
      const source = await ensurePost()
      const pic = await client().collection("pics").getOne(source.id)
      const viaView = await fetch(url("pics", pic.id, pic.pic))
      expect([viaView.status, viaView.headers.get("content-type")]).toEqual([200, "image/png"])
      await viaView.arrayBuffer()
      const note = await client().collection("notes").create({ post: source.id })
      const cover = await client().collection("note_covers").getOne(note.id)
      expect(cover.cover).toBe(source.photo)
      const viaJoin = await fetch(url("note_covers", note.id, cover.cover))
      expect(viaJoin.status).toBe(200)
      await viaJoin.arrayBuffer()
    })

    it("answers 404 for names the view record does not list", async () => {
      const source = await ensurePost()
      expect((await fetch(url("post_files", source.id, "other_abcdefghij.txt"))).status).toBe(404)
      expect((await fetch(url("pics", source.id, source.docs[0]))).status).toBe(404)
    })

    it("lets the view's viewRule decide protected files, with file tokens", async () => {
      const source = await ensurePost()
      expect((await fetch(url("guarded", source.id, source.secret))).status).toBe(404)
      const open = await fetch(url("post_files", source.id, source.secret))
      expect([open.status, await open.text()]).toEqual([200, "hidden"])
      const admin = client()
      await admin.collection("_superusers").authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD)
      const token = await admin.files.getToken()
      const allowed = await fetch(url("guarded", source.id, source.secret, `?token=${token}`))
      expect([allowed.status, await allowed.text()]).toEqual([200, "hidden"])
    })
  })
}
