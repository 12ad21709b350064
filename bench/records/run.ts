/**
 * @module
 * Records API benchmark: pocketbun vs the reference PocketBase in the same run, both as child
 * processes on 127.0.0.1 with temp data dirs. Seeds a 10,000-record collection, then measures, as
 * a guest and for a fixed duration each: view by id, a filtered+sorted list (with and without
 * skipTotal), create, and create through a createRule. Each row's time is split into slices that
 * alternate between the servers, so background load on a shared machine hits both alike. Prints
 * req/s, p99 and the ratios as a Markdown table for bench/RESULTS.md.
 *
 * The two `create, request logs on/off` rows are measured together: within each slice the server
 * alternates between logging on and off (set through the settings API, on both servers), so their
 * ratio is what request logging costs, under the same background load.
 *
 *   bun bench/records/run.ts [--duration=5] [--concurrency=16] [--records=10000] [--only=pocketbun] [--rows=create]
 */
import { cpus } from "node:os"
import { mergeResults, runLoad, type LoadResult, type RequestFactory } from "./load.ts"
import { hasReference, startServer, type RunningServer, type Target } from "./servers.ts"

function flag(name: string, fallback: number, max: number): number {
  const raw = Bun.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1]
  const value = raw === undefined ? fallback : Number(raw)
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`--${name} must be a number in (0, ${max}]`)
  return value
}

const DURATION_MS = flag("duration", 5, 30) * 1000
const CONCURRENCY = flag("concurrency", 16, 256)
const RECORDS = flag("records", 10_000, 100_000)
const SLICES = 5
const ONLY = Bun.argv.find((a) => a.startsWith("--only="))?.split("=")[1] as Target | undefined
/** Runs only the rows whose name contains this text. */
const ROWS_MATCHING = Bun.argv.find((a) => a.startsWith("--rows="))?.split("=")[1] ?? ""

const FIELDS = [
  { name: "title", type: "text" },
  { name: "n", type: "number" },
  { name: "flag", type: "bool" },
  { name: "tag", type: "select", values: ["a", "b", "c", "d"], maxSelect: 1 },
]
const CREATE_RULE = "@request.body.title != '' && n >= 0 && tag != 'd'"
const LIST_QUERY = `filter=${encodeURIComponent("n >= 5000 && flag = true")}&sort=${encodeURIComponent("-n,title")}&perPage=30`

const json = (body: unknown, token?: string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
  body: JSON.stringify(body),
})

const item = (i: number) => ({ title: `item ${i}`, n: (i * 7919) % 10_000, flag: i % 2 === 0, tag: ["a", "b", "c"][i % 3] })

async function setup(server: RunningServer): Promise<string[]> {
  const collection = (name: string, createRule: string) =>
    fetch(`${server.baseUrl}/api/collections`, json({ name, listRule: "", viewRule: "", createRule, fields: FIELDS }, server.token)).then(async (r) => {
      if (!r.ok) throw new Error(`creating ${name} on ${server.target}: ${r.status} ${await r.text()}`)
    })
  await collection("items", "")
  await collection("items_rule", CREATE_RULE)
  const ids: string[] = []
  let next = 0
  const seeder = async () => {
    while (next < RECORDS) {
      const i = next++
      const response = await fetch(`${server.baseUrl}/api/collections/items/records`, json(item(i), server.token))
      if (!response.ok) throw new Error(`seeding ${server.target}: ${response.status} ${await response.text()}`)
      ids.push(((await response.json()) as { id: string }).id)
    }
  }
  await Promise.all(Array.from({ length: 16 }, seeder))
  return ids
}

interface Row {
  name: string
  make: (server: RunningServer, ids: string[]) => RequestFactory
  /** Measured as these variants instead, alternating within each slice, each under its own settings. */
  variants?: Array<{ name: string; settings: Record<string, unknown> }>
}

async function patchSettings(server: RunningServer, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${server.baseUrl}/api/settings`, { ...json(body, server.token), method: "PATCH" })
  if (!response.ok) throw new Error(`settings on ${server.target}: ${response.status} ${await response.text()}`)
}

const ROWS: Row[] = [
  { name: "view by id", make: (s, ids) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records/${ids[(i * 7) % ids.length]}` }) },
  { name: "list filtered+sorted (with total)", make: (s) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records?${LIST_QUERY}&page=${(i % 5) + 1}` }) },
  { name: "list filtered+sorted (skipTotal)", make: (s) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records?${LIST_QUERY}&page=${(i % 5) + 1}&skipTotal=1` }) },
  { name: "create", make: (s) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records`, init: json(item(RECORDS + i)) }) },
  {
    name: "create, request logs on/off",
    make: (s) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records`, init: json(item(2 * RECORDS + i)) }),
    variants: [
      { name: "create, request logs on", settings: { logs: { maxDays: 5 } } },
      { name: "create, request logs off", settings: { logs: { maxDays: 0 } } },
    ],
  },
  { name: "create with a rule", make: (s) => (i) => ({ url: `${s.baseUrl}/api/collections/items_rule/records`, init: json(item(i)) }) },
]

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "–")

async function main() {
  const targets: Target[] = ONLY ? [ONLY] : hasReference() ? ["pocketbun", "pocketbase"] : ["pocketbun"]
  if (!targets.includes("pocketbase")) console.error("reference PocketBase not measured (not on PATH or --only given)")
  const servers = new Map<Target, RunningServer>()
  const ids = new Map<Target, string[]>()
  try {
    for (const target of targets) {
      const server = await startServer(target)
      servers.set(target, server)
      const t0 = performance.now()
      ids.set(target, await setup(server))
      console.error(`${target}: seeded ${RECORDS} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    }
    const results: Array<Record<Target, LoadResult | undefined> & { name: string }> = []
    for (const row of ROWS.filter((r) => r.name.includes(ROWS_MATCHING))) {
      const variants = row.variants ?? [{ name: row.name, settings: null }]
      const slices = new Map<string, LoadResult[]>()
      for (let slice = 0; slice < SLICES; slice++) {
        for (const target of slice % 2 === 0 ? targets : [...targets].reverse()) {
          const server = servers.get(target)!
          const make = row.make(server, ids.get(target)!)
          for (const [v, variant] of (slice % 2 === 0 ? variants : [...variants].reverse()).entries()) {
            if (variant.settings) await patchSettings(server, variant.settings)
            const offset = slice * 1_000_000 + v * 100_000
            const key = `${variant.name}|${target}`
            slices.set(key, [...(slices.get(key) ?? []), await runLoad((i) => make(offset + i), { concurrency: CONCURRENCY, durationMs: DURATION_MS / SLICES })])
          }
        }
      }
      if (row.variants) for (const server of servers.values()) await patchSettings(server, row.variants[0]!.settings)
      for (const variant of variants) {
        const result = { name: variant.name } as Record<Target, LoadResult | undefined> & { name: string }
        for (const target of targets) {
          const load = mergeResults(slices.get(`${variant.name}|${target}`)!)
          if (load.errors > 0) console.error(`${target} ${variant.name}: ${load.errors} errors, first: ${load.firstError}`)
          console.error(`${target.padEnd(10)} ${variant.name.padEnd(36)} ${fmt(load.rps).padStart(7)} req/s  p50 ${fmt(load.p50, 2)} ms  p99 ${fmt(load.p99, 2)} ms`)
          result[target] = load
        }
        results.push(result)
      }
    }
    console.log(`\nBun ${Bun.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), ${CONCURRENCY} concurrent keep-alive workers, ${DURATION_MS / 1000} s per row and server (${SLICES} alternating slices), ${RECORDS} records\n`)
    console.log("| row | pocketbun req/s | pocketbun p99 ms | PocketBase req/s | PocketBase p99 ms | req/s ratio |")
    console.log("|---|---:|---:|---:|---:|---:|")
    for (const r of results) {
      const ours = r.pocketbun
      const theirs = r.pocketbase
      const ratio = ours && theirs ? `${(ours.rps / theirs.rps).toFixed(2)}×` : "–"
      console.log(`| ${r.name} | ${fmt(ours?.rps ?? NaN)} | ${fmt(ours?.p99 ?? NaN, 1)} | ${fmt(theirs?.rps ?? NaN)} | ${fmt(theirs?.p99 ?? NaN, 1)} | ${ratio} |`)
    }
  } finally {
    for (const server of servers.values()) await server.stop()
  }
}

await main()
