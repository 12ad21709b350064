/**
 * Backups through the SDK (`pb.backups`): a full round trip (data and files written, backup, more
 * writes, restore, the server answers with exactly the backed-up data), download with a superuser
 * file token, upload, delete, automatic backups, a broken archive refused with the data kept; and
 * the error answers compared with the reference.
 */
import { beforeAll, describe, expect, it } from "bun:test"
import { zipSync } from "fflate"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"
import { errorBody, failure } from "../support/records-fixture.ts"
import { useServer } from "../support/lifecycle.ts"
import { describeAnswersAlike } from "../support/raw-request.ts"

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4])

describe("backups (pocketbun)", () => {
  const pocketbun = useServer(startPocketbun)
  let server: PocketbunServer

  beforeAll(async () => {
    server = pocketbun()
    await server.admin.collections.create({
      name: "notes",
      listRule: "",
      viewRule: "",
      fields: [{ name: "title", type: "text" }, { name: "photo", type: "file", maxSelect: 1, maxSize: 1000 }],
    })
  })

  const titles = async () => (await server.admin.collection("notes").getFullList({ sort: "title" })).map((note) => note.title)

  it("restores exactly the backed-up data, records, files and settings", async () => {
    const kept = await server.admin.collection("notes").create({ title: "kept", photo: new File([PNG], "photo.png") })
    await server.admin.settings.update({ meta: { appName: "Before" } })
    await server.admin.backups.create("snapshot.zip")
    const listed = await server.admin.backups.getFullList()
    expect(listed.map((file) => file.key)).toEqual(["snapshot.zip"])
    expect(listed[0]!.size).toBeGreaterThan(0)

    await server.admin.collection("notes").create({ title: "added later" })
    await server.admin.collection("notes").update(kept.id, { title: "renamed", photo: new File([PNG, PNG], "other.png") })
    await server.admin.collections.create({ name: "extra", fields: [] })
    await server.admin.settings.update({ meta: { appName: "After" } })

    expect(await server.admin.backups.restore("snapshot.zip")).toBe(true)

    expect(await titles()).toEqual(["kept"])
    const restored = await server.admin.collection("notes").getOne(kept.id)
    expect(restored).toEqual(kept)
    const photo = await fetch(server.admin.files.getURL(restored, restored.photo))
    expect(new Uint8Array(await photo.arrayBuffer())).toEqual(PNG)
    expect(errorBody(await failure(server.admin.collections.getOne("extra"))).status).toBe(404)
    expect((await server.admin.settings.getAll()).meta.appName).toBe("Before")
    expect((await server.admin.backups.getFullList()).map((file) => file.key)).toEqual(["snapshot.zip"])
    // writes go on after the restore
    await server.admin.collection("notes").create({ title: "after restore" })
    expect(await titles()).toEqual(["after restore", "kept"])
  })

  it("downloads with a superuser file token only, uploads and deletes", async () => {
    const token = await server.admin.files.getToken()
    const response = await fetch(server.admin.backups.getDownloadURL(token, "snapshot.zip"))
    expect(response.status).toBe(200)
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="snapshot.zip"')
    const archive = new Uint8Array(await response.arrayBuffer())
    expect(archive.subarray(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]))

    const denied = await fetch(server.admin.backups.getDownloadURL("", "snapshot.zip"))
    expect(denied.status).toBe(403)

    await server.admin.backups.upload({ file: new File([archive], "copy.zip", { type: "application/zip" }) })
    expect((await server.admin.backups.getFullList()).map((file) => file.key)).toEqual(["copy.zip", "snapshot.zip"])
    const duplicate = errorBody(await failure(server.admin.backups.upload({ file: new File([archive], "copy.zip") })))
    expect(duplicate.data.file.code).toBe("validation_backup_name_exists")
    const notZip = errorBody(await failure(server.admin.backups.upload({ file: new File(["plain text"], "notes.txt") })))
    expect(notZip.data.file.code).toBe("validation_invalid_mime_type")

    await server.admin.backups.delete("copy.zip")
    expect((await server.admin.backups.getFullList()).map((file) => file.key)).toEqual(["snapshot.zip"])
  })

  it("refuses a broken archive and keeps the current data", async () => {
    const broken = zipSync({ "data.db": new TextEncoder().encode("not a database"), "storage/x.txt": new Uint8Array([1]) })
    await server.admin.backups.upload({ file: new File([broken], "broken.zip") })
    const escaping = zipSync({ "../escape.txt": new Uint8Array([1]) })
    await server.admin.backups.upload({ file: new File([escaping], "escaping.zip") })
    for (const key of ["broken.zip", "escaping.zip"]) {
      expect(errorBody(await failure(server.admin.backups.restore(key)))).toMatchObject({ status: 400, message: "Missing or invalid backup file." })
    }
    expect(await titles()).toEqual(["after restore", "kept"])
  })

  it("makes automatic backups on backups.cron and keeps cronMaxKeep of them", async () => {
    await server.admin.settings.update({ backups: { cron: "0 0 1 1 *", cronMaxKeep: 1 } })
    expect((await server.admin.crons.getFullList()).map((job) => job.id)).toContain("__pbAutoBackup__")
    for (let i = 0; i < 2; i++) {
      await server.admin.crons.run("__pbAutoBackup__")
      const deadline = Date.now() + 5000
      const autoCount = async () => (await server.admin.backups.getFullList()).filter((file) => file.key.startsWith("@auto_pb_backup_before_")).length
      while ((await autoCount()) === 0 && Date.now() < deadline) await Bun.sleep(20)
      while (server.app.services.backups.active !== null && Date.now() < deadline) await Bun.sleep(20)
      expect(await autoCount()).toBe(1)
      await Bun.sleep(1100) // names carry the second
    }
    await server.admin.settings.update({ backups: { cron: "" } })
    expect((await server.admin.crons.getFullList()).map((job) => job.id)).not.toContain("__pbAutoBackup__")
  })
})

describeAnswersAlike("backups API errors answer as the reference does", [
  { path: "/api/backups" },
  { path: "/api/backups", guest: true },
  { method: "POST", path: "/api/backups", body: { name: "Bad Name" } },
  { method: "POST", path: "/api/backups", body: { name: 5 } },
  { method: "POST", path: "/api/backups", body: { name: "first.zip" } },
  { method: "POST", path: "/api/backups", body: { name: "first.zip" } },
  { method: "POST", path: "/api/backups/missing.zip/restore" },
  { path: "/api/backups/first.zip", guest: true },
  { path: "/api/backups/first.zip?token=bad", guest: true },
  { method: "POST", path: "/api/backups/upload", body: {} },
])
