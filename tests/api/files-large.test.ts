/**
 * A file close to the body limit (30 MiB of the default 32 MiB) goes in through the SDK and comes
 * back whole and by range, unchanged, against pocketbun and, where installed, the reference.
 * (Memory use during such transfers is measured by bench/files, not asserted here.)
 */
import { describe, expect, it } from "bun:test"
import { conformanceTargets } from "../support/servers.ts"
import { useServer } from "../support/lifecycle.ts"
import { OPEN_RULES } from "../support/records-fixture.ts"

const SIZE = 30 * 1024 * 1024

function content(): Uint8Array {
  const bytes = new Uint8Array(SIZE)
  let x = 12345
  for (let i = 0; i < SIZE; i += 4) {
    x = (x * 1103515245 + 12345) >>> 0
    bytes[i] = x >>> 24
  }
  return bytes
}

const sha = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex")

for (const target of conformanceTargets()) {
  describe(`large files (${target.name})`, () => {
    const server = useServer(async () => {
      const s = await target.start()
      await s.admin.collections.create({ name: "blobs", ...OPEN_RULES, fields: [{ name: "data", type: "file", maxSelect: 1, maxSize: SIZE + 1 }] })
      return s
    })

    it("stores and serves a 30 MiB file unchanged, whole and by range", async () => {
      const bytes = content()
      const record = await server().client().collection("blobs").create({ data: new File([bytes], "big.bin") })
      const url = `${server().url}/api/files/${record.collectionId}/${record.id}/${record.data}`
      const whole = await fetch(url)
      expect([whole.status, whole.headers.get("content-length")]).toEqual([200, String(SIZE)])
      expect(sha(new Uint8Array(await whole.arrayBuffer()))).toBe(sha(bytes))
      const tail = await fetch(url, { headers: { range: `bytes=${SIZE - 8}-` } })
      expect([tail.status, tail.headers.get("content-range")]).toEqual([206, `bytes ${SIZE - 8}-${SIZE - 1}/${SIZE}`])
      expect([...new Uint8Array(await tail.arrayBuffer())]).toEqual([...bytes.subarray(SIZE - 8)])
    }, 30_000)
  })
}
