/**
 * Thumbnails through `GET /api/files/…?thumb=`: every size format on real images made with sharp
 * (PNG, JPEG, animated GIF, WebP), checked by the dimensions and type of the answers, against
 * pocketbun and, where installed, the reference PocketBase. Sizes not listed in the field (other
 * than the default 100x100), non-images and broken images get the original.
 */
import { describe, expect, it } from "bun:test"
import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import type { RecordModel } from "pocketbase"
import sharp from "sharp"
import { conformanceTargets } from "../support/servers.ts"
import { useServer } from "../support/lifecycle.ts"
import { errorBody, failure, OPEN_RULES } from "../support/records-fixture.ts"

const THUMBS = ["50x30", "50x30t", "50x30b", "50x30f", "500x500f", "0x40", "40x0", "7x1000f"]

const solid = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } })

async function images() {
  const frame = (color: string) => solid(30, 20, color).png().toBuffer()
  return {
    png: await solid(200, 100, "#ff0000").png().toBuffer(),
    jpeg: await solid(120, 300, "#00ff00").jpeg().toBuffer(),
    gif: await sharp([await frame("#ff0000"), await frame("#0000ff")], { join: { animated: true } }).gif().toBuffer(),
    webp: await solid(80, 80, "#0000ff").webp().toBuffer(),
  }
}

// Expected [width, height] per size for each source image, by PocketBase's rules.
const EXPECTED: Record<string, Record<string, [number, number]>> = {
  png: { "50x30": [50, 30], "50x30t": [50, 30], "50x30b": [50, 30], "50x30f": [50, 25], "500x500f": [200, 100], "0x40": [80, 40], "40x0": [40, 20], "7x1000f": [7, 3], "100x100": [100, 100] },
  jpeg: { "50x30": [50, 30], "50x30f": [12, 30], "0x40": [16, 40], "40x0": [40, 100], "100x100": [100, 100] },
  gif: { "50x30": [50, 30], "0x40": [60, 40], "100x100": [100, 100] },
  webp: { "50x30f": [30, 30], "40x0": [40, 40], "100x100": [100, 100] },
}
const FORMAT = { png: "png", jpeg: "jpeg", gif: "gif", webp: "png" } as const
const CONTENT_TYPE = { png: "image/png", jpeg: "image/jpeg", gif: "image/gif", webp: "image/png" } as const

for (const target of conformanceTargets()) {
  describe(`thumbnails (${target.name})`, () => {
    const server = useServer(async () => {
      const s = await target.start()
      await s.admin.collections.create({ name: "pics", ...OPEN_RULES, fields: [{ name: "img", type: "file", maxSelect: 1, thumbs: THUMBS }] })
      return s
    })
    const pics = () => server().client().collection("pics")
    const fileUrlOf = (record: RecordModel, query = "") => `${server().url}/api/files/${record.collectionId}/${record.id}/${record.img}${query}`
    const fetchFile = (record: RecordModel, query = "") => fetch(fileUrlOf(record, query))
    const sizeOf = async (response: Response) => {
      const meta = await sharp(new Uint8Array(await response.arrayBuffer())).metadata()
      return { size: [meta.width, meta.pageHeight ?? meta.height], format: meta.format, pages: meta.pages ?? 1 }
    }

    for (const kind of ["png", "jpeg", "gif", "webp"] as const) {
      it(`makes ${kind} thumbs of every listed size with PocketBase's dimensions`, async () => {
        const source = (await images())[kind]
        const record = await pics().create({ img: new File([source], `photo.${kind}`) })
        for (const [thumb, expected] of Object.entries(EXPECTED[kind]!)) {
          const response = await fetchFile(record, `?thumb=${thumb}`)
          expect(response.status).toBe(200)
          expect(response.headers.get("content-type")).toBe(CONTENT_TYPE[kind])
          expect(response.headers.get("content-disposition")).toBe(`inline; filename="${thumb}_${record.img}"`)
          const answer = await sizeOf(response)
          expect({ thumb, ...answer }).toEqual({ thumb, size: expected, format: FORMAT[kind], pages: 1 })
        }
      })
    }

    it("keeps each thumb beside its file in PocketBase's layout", async () => {
      const record = await pics().create({ img: new File([(await images()).png], "kept.png") })
      await fetchFile(record, "?thumb=50x30t")
      const folder = join(server().dir, "storage", record.collectionId, record.id, `thumbs_${record.img}`)
      expect(readdirSync(folder).filter((n) => !n.endsWith(".attrs"))).toEqual([`50x30t_${record.img}`])
    })

    it("serves the original for sizes the field does not list, non-images and broken images", async () => {
      const { png } = await images()
      const record = await pics().create({ img: new File([png], "orig.png") })
      for (const thumb of ["60x60", "0x0", "abc", "100x100x", "50x30f "]) {
        const response = await fetchFile(record, `?thumb=${encodeURIComponent(thumb)}`)
        expect({ thumb, status: response.status, size: (await sizeOf(response)).size }).toEqual({ thumb, status: 200, size: [200, 100] })
      }
      const note = await pics().create({ img: new File(["just text"], "note.txt") })
      const text = await fetchFile(note, "?thumb=100x100")
      expect([text.status, await text.text()]).toEqual([200, "just text"])
      const broken = new Uint8Array([...png.subarray(0, 40), ...new Uint8Array(200).fill(7)])
      const bad = await pics().create({ img: new File([broken], "broken.png") })
      const answer = await fetchFile(bad, "?thumb=50x30")
      expect(answer.status).toBe(200)
      expect(new Uint8Array(await answer.arrayBuffer())).toEqual(broken)
    })

    it("serves thumbs as attachments with ?download=1, by range, and to HEAD requests", async () => {
      const record = await pics().create({ img: new File([(await images()).png], "dl.png") })
      const attachment = await fetchFile(record, "?thumb=50x30&download=1")
      expect(attachment.headers.get("content-disposition")).toBe(`attachment; filename="50x30_${record.img}"`)
      const whole = new Uint8Array(await attachment.arrayBuffer())
      const part = await fetch(fileUrlOf(record, "?thumb=50x30"), { headers: { range: "bytes=0-7" } })
      expect([part.status, part.headers.get("content-range")]).toEqual([206, `bytes 0-7/${whole.length}`])
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(whole.subarray(0, 8))
      const head = await fetch(fileUrlOf(record, "?thumb=50x30"), { method: "HEAD" })
      expect([head.status, head.headers.get("content-length"), head.headers.get("content-type")]).toEqual([200, String(whole.length), "image/png"])
    })

    it("answers 404 for a thumb of a missing file", async () => {
      const record = await pics().create({ img: new File([(await images()).png], "gone.png") })
      const response = await fetch(`${server().url}/api/files/${record.collectionId}/${record.id}/missing.png?thumb=50x30`)
      expect(response.status).toBe(404)
    })

    it("removes a file's thumbs with the file", async () => {
      const record = await pics().create({ img: new File([(await images()).png], "swap.png") })
      await fetchFile(record, "?thumb=50x30")
      const folder = join(server().dir, "storage", record.collectionId, record.id, `thumbs_${record.img}`)
      expect(existsSync(folder)).toBe(true)
      await pics().update(record.id, { img: null })
      const deadline = Date.now() + 5_000
      while (existsSync(folder) && Date.now() < deadline) await Bun.sleep(20)
      expect(existsSync(folder)).toBe(false)
    })
  })
}

describe("thumbnail generation (pocketbun)", () => {
  const server = useServer(async () => {
    const { startPocketbun } = await import("../support/servers.ts")
    const s = await startPocketbun({ thumbMaxPixels: 100_000 })
    await s.admin.collections.create({ name: "pics", ...OPEN_RULES, fields: [{ name: "img", type: "file", maxSelect: 1, maxSize: 10_000_000, thumbs: ["20x20"] }] })
    return s
  })
  const fileUrl = (record: RecordModel, query: string) => `${server().url}/api/files/${record.collectionId}/${record.id}/${record.img}${query}`

  it("generates a thumb once for concurrent first requests", async () => {
    const record = await server().client().collection("pics").create({ img: new File([await solid(300, 300, "#123456").png().toBuffer()], "many.png") })
    const answers = await Promise.all(Array.from({ length: 12 }, () => fetch(fileUrl(record, "?thumb=20x20"))))
    const sizes = await Promise.all(answers.map(async (r) => (await sharp(new Uint8Array(await r.arrayBuffer())).metadata()).width))
    expect(sizes).toEqual(Array(12).fill(20))
    const modified = new Set(answers.map((r) => r.headers.get("last-modified")))
    expect(modified.size).toBe(1)
  })

  it("does not decode images above the pixel limit (the original is served)", async () => {
    const record = await server().client().collection("pics").create({ img: new File([await solid(400, 400, "#654321").png().toBuffer()], "huge.png") })
    const response = await fetch(fileUrl(record, "?thumb=20x20"))
    expect((await sharp(new Uint8Array(await response.arrayBuffer())).metadata()).width).toBe(400)
  })
})

for (const target of conformanceTargets()) {
  describe(`thumb sizes in field options (${target.name})`, () => {
    const server = useServer(() => target.start())

    it("refuses sizes PocketBase cannot make, each with its own error", async () => {
      const error = await failure(server().admin.collections.create({ name: "bad_thumbs", fields: [{ name: "f", type: "file", thumbs: ["10x10", "abc", "0x0", " 5x5", "0x0f", "5x0b"] }] }))
      expect(errorBody(error)).toEqual({
        status: 400,
        message: "Failed to create collection.",
        data: {
          fields: {
            "1": {
              thumbs: {
                "1": { code: "validation_match_invalid", message: "Must be in a valid format." },
                "2": { code: "validation_not_in_invalid", message: "Must not be in list." },
                "3": { code: "validation_match_invalid", message: "Must be in a valid format." },
                "4": { code: "validation_not_in_invalid", message: "Must not be in list." },
              },
            },
          },
        },
      })
    })
  })
}
