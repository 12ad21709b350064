/**
 * An upload named `../../../etc/passwd` was stored as `xxx..etcpasswd`. PocketBase keeps only the
 * last path segment of a sent file name and normalizes it (`passwd_<random>.txt`); names made of
 * dots, slashes, long or non-ASCII text follow its rules too. Uploaded through the SDK, against
 * the reference as well; the file lands in the record's own folder and nowhere else.
 */
import { describe, expect, it } from "bun:test"
import { readdirSync } from "node:fs"
import { join, relative } from "node:path"
import { useServer } from "../support/lifecycle.ts"
import { conformanceTargets } from "../support/servers.ts"

const R = "[a-z0-9]{10}"

// [sent name, stored name pattern for text content (R: 10 random characters)]
const NAMES: Array<[string, string]> = [
  ["../../../etc/passwd", "passwd_R.txt"],
  ["/abs/path/photo.PNG", "photo_R.PNG"],
  ["a/b/.hidden", "R_R.hidden"],
  ["..", "R_R.txt"],
  ["name.", "name_R.txt"],
  ["a..b", "aR_R.b"],
  ["Ünïcödé Fïlé.txt", "n_c_d_f_l_R.txt"],
  ["x".repeat(150) + ".md", `${"x".repeat(100)}_R.md`],
  ["noext", "noext_R.txt"],
]

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
}

for (const target of conformanceTargets()) {
  describe(`uploaded file names (${target.name})`, () => {
    const server = useServer(async () => {
      const started = await target.start()
      await started.admin.collections.create({ name: "docs", createRule: "", viewRule: "", fields: [{ name: "file", type: "file", maxSelect: 1 }] })
      return started
    })

    it.each(NAMES)("stores %p as PocketBase names it", async (sent, pattern) => {
      const before = new Set(filesUnder(server().dir))
      const record = await server().client().collection("docs").create({ file: new File(["hello"], sent, { type: "text/plain" }) })
      expect(record.file).toMatch(new RegExp(`^${pattern.replaceAll(".", "\\.").replaceAll("R", R)}$`))
      // Every new file (databases aside) is inside the record's own folder.
      const folder = join("storage", record.collectionId, record.id)
      const added = filesUnder(server().dir).filter((path) => !before.has(path) && !/\.db(-wal|-shm)?$/.test(path))
      expect(added.filter((path) => !path.startsWith(folder + "/"))).toEqual([])
      expect(added).toContain(join(folder, record.file))
      const served = await fetch(`${server().url}/api/files/${record.collectionId}/${record.id}/${record.file}`)
      expect([served.status, await served.text()]).toEqual([200, "hello"])
    })
  })
}
