/**
 * @module
 * Files benchmark: pocketbun vs the reference PocketBase, both as child processes on 127.0.0.1
 * with temp data dirs. Uploads JPEG photos (1600×1200, made with sharp), then measures for a fixed
 * duration each: thumb generation (every request asks for a size not made yet) and cached thumb
 * serving (one thumb over and over). Then uploads a file close to the body limit and downloads it
 * from 4 clients at once, sampling the server's RSS, to show whether files pass through memory whole.
 *
 * With `--storage=s3` both servers keep their files in a bucket of a local S3-compatible server
 * (moto, as the tests use it) instead of on disk.
 *
 *   bun bench/files/run.ts [--duration=5] [--concurrency=4] [--only=pocketbun] [--storage=s3]
 */
import { readFileSync } from "node:fs"
import sharp from "sharp"
import { runLoad, type LoadResult } from "../records/load.ts"
import { hasReference, startServer, type RunningServer, type Target } from "../records/servers.ts"
import { runBounded, type Stoppable } from "../bounded-run.ts"
import { numericFlag, onlyFlag } from "../flags.ts"
import { startS3 } from "../../tests/support/s3.ts"

const DURATION_MS = numericFlag("duration", 5, 30) * 1000
const CONCURRENCY = numericFlag("concurrency", 4, 64)
const ONLY = onlyFlag() as Target | undefined
const STORAGE = Bun.argv.find((a) => a.startsWith("--storage="))?.split("=")[1] ?? "local"
if (STORAGE !== "local" && STORAGE !== "s3") throw new Error("--storage must be local or s3")
const PHOTOS = 8
// 300 sizes × 8 photos: more first requests than any server makes in 30 s here.
const SIZES = Array.from({ length: 300 }, (_, i) => `${40 + i}x${30 + i}`)
const BIG_FILE_BYTES = 30 * 1024 * 1024

interface Row {
  name: string
  results: Partial<Record<Target, LoadResult>>
}

async function photo(seed: number): Promise<Uint8Array> {
  // Noise compresses like a photo, unlike a flat colour.
  const pixels = new Uint8Array(1600 * 1200 * 3)
  let x = seed * 2654435761
  for (let i = 0; i < pixels.length; i++) pixels[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24
  return new Uint8Array(await sharp(pixels, { raw: { width: 1600, height: 1200, channels: 3 } }).blur(3).jpeg({ quality: 85 }).toBuffer())
}

async function post(server: RunningServer, path: string, body: string | FormData, json = true): Promise<any> {
  const headers: Record<string, string> = { authorization: server.token }
  if (json) headers["content-type"] = "application/json"
  const response = await fetch(`${server.baseUrl}${path}`, { method: "POST", headers, body })
  if (!response.ok) throw new Error(`${server.target} ${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

async function setup(server: RunningServer, photos: Uint8Array[]): Promise<{ collectionId: string; photos: Array<{ id: string; name: string }> }> {
  const collection = await post(server, "/api/collections", JSON.stringify({
    name: "pics", listRule: "", viewRule: "", createRule: "",
    fields: [{ name: "img", type: "file", maxSelect: 1, maxSize: 40 * 1024 * 1024, thumbs: SIZES }],
  }))
  const uploaded = []
  for (const [i, bytes] of photos.entries()) {
    const form = new FormData()
    form.append("img", new File([bytes], `photo${i}.jpg`))
    const record = await post(server, "/api/collections/pics/records", form, false)
    uploaded.push({ id: record.id as string, name: record.img as string })
  }
  return { collectionId: collection.id, photos: uploaded }
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024
}

// Samples the RSS every 20 ms while `work` runs; returns the peak.
async function peakRss(pid: number, work: () => Promise<unknown>): Promise<number> {
  let peak = rssMb(pid)
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20)
  try {
    await work()
  } finally {
    clearInterval(timer)
  }
  return Math.max(peak, rssMb(pid))
}

async function memory(server: RunningServer): Promise<{ idle: number; upload: number; settled: number; download: number }> {
  const idle = rssMb(server.pid)
  const big = new Uint8Array(BIG_FILE_BYTES).fill(7)
  let record: { id: string; img: string; collectionId: string } | undefined
  const upload = await peakRss(server.pid, async () => {
    const form = new FormData()
    form.append("img", new File([big], "big.bin"))
    record = await post(server, "/api/collections/pics/records", form, false)
  })
  await Bun.sleep(1000)
  const settled = rssMb(server.pid)
  const url = `${server.baseUrl}/api/files/${record!.collectionId}/${record!.id}/${record!.img}`
  const download = await peakRss(server.pid, () =>
    Promise.all(Array.from({ length: 4 }, async () => {
      const response = await fetch(url)
      let size = 0
      for await (const chunk of response.body!) size += chunk.byteLength
      if (size !== BIG_FILE_BYTES) throw new Error(`${server.target}: downloaded ${size} bytes`)
    })))
  return { idle, upload, settled, download }
}

async function main(live: Set<Stoppable>): Promise<void> {
  const targets: Target[] = ONLY ? [ONLY] : hasReference() ? ["pocketbun", "pocketbase"] : ["pocketbun"]
  const photos = await Promise.all(Array.from({ length: PHOTOS }, (_, i) => photo(i + 1)))
  const rows: Row[] = [{ name: "thumb generation (first request)", results: {} }, { name: "cached thumb", results: {} }]
  const memoryRows: Partial<Record<Target, Awaited<ReturnType<typeof memory>>>> = {}
  const s3 = STORAGE === "s3" ? await startS3() : null
  if (s3) live.add(s3)
  for (const target of targets) {
    const server = await startServer(target)
    live.add(server)
    if (s3) {
      const bucket = await s3.createBucket(`bench-${target}`)
      const response = await fetch(`${server.baseUrl}/api/settings`, {
        method: "PATCH",
        headers: { authorization: server.token, "content-type": "application/json" },
        body: JSON.stringify({ s3: s3.settings(bucket) }),
      })
      if (!response.ok) throw new Error(`enabling S3 on ${target}: ${response.status} ${await response.text()}`)
    }
    const { collectionId, photos: uploaded } = await setup(server, photos)
    const fileUrl = (i: number, size: string) => {
      const p = uploaded[i % uploaded.length]!
      return `${server.baseUrl}/api/files/${collectionId}/${p.id}/${p.name}?thumb=${size}`
    }
    rows[0]!.results[target] = await runLoad((i) => ({ url: fileUrl(i, SIZES[Math.floor(i / PHOTOS)]!) }), { concurrency: CONCURRENCY, durationMs: DURATION_MS })
    await fetch(fileUrl(0, "100x100"))
    rows[1]!.results[target] = await runLoad(() => ({ url: fileUrl(0, "100x100") }), { concurrency: 16, durationMs: DURATION_MS })
    memoryRows[target] = await memory(server)
    await server.stop()
    live.delete(server)
  }
  console.log(`\n| row | pocketbun req/s | pocketbun p99 ms | PocketBase req/s | PocketBase p99 ms | req/s ratio |\n|---|---:|---:|---:|---:|---:|`)
  const cell = (r?: LoadResult) => (r ? [r.rps.toFixed(0), r.p99.toFixed(1)] : ["–", "–"])
  for (const row of rows) {
    const ours = row.results.pocketbun
    const theirs = row.results.pocketbase
    const ratio = ours && theirs ? `${(ours.rps / theirs.rps).toFixed(2)}×` : "–"
    const errors = Object.values(row.results).reduce((n, r) => n + (r?.errors ?? 0), 0)
    console.log(`| ${row.name}${errors ? ` (${errors} errors: ${Object.values(row.results).find((r) => r?.firstError)?.firstError})` : ""} | ${cell(ours).join(" | ")} | ${cell(theirs).join(" | ")} | ${ratio} |`)
  }
  console.log(`\nStorage: ${STORAGE}. Server RSS (MB) around a ${BIG_FILE_BYTES / 1024 / 1024} MB file: idle → peak during its upload → 1 s later → peak during 4 concurrent downloads`)
  for (const [target, m] of Object.entries(memoryRows)) console.log(`- ${target}: ${m.idle.toFixed(0)} → ${m.upload.toFixed(0)} → ${m.settled.toFixed(0)} → ${m.download.toFixed(0)}`)
}

const live = new Set<Stoppable>()
runBounded(() => main(live), live, 5 * 60_000)
