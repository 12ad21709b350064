/**
 * @module
 * Records API benchmark: pocketbun vs the reference PocketBase in the same run, both as child
 * processes on 127.0.0.1 with temp data dirs. Seeds a 10,000-record collection, then measures, as
 * a guest and for a fixed duration each: view by id, a filtered+sorted list (with and without
 * skipTotal), create, create through a createRule, update, and delete (of the records the create
 * rows made). Each row's time is split into slices that alternate between the servers, so
 * background load on a shared machine hits all alike. Prints req/s, p99, server CPU per request
 * (whole process tree) and the ratios as a Markdown table for bench/RESULTS.md.
 *
 *   bun bench/records/run.ts [--duration=5] [--concurrency=16] [--records=10000] [--rows=create,update]
 *     [--only=pocketbun | --targets=pocketbun,pocketbun-1p,pocketbase]
 *
 * `pocketbun` is the default `serve` (one process per core), `pocketbun-1p` is `--workers=1`.
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
const TARGETS = Bun.argv.find((a) => a.startsWith("--targets="))?.split("=")[1]?.split(",") as Target[] | undefined
const ROW_FILTER = Bun.argv.find((a) => a.startsWith("--rows="))?.split("=")[1]?.split(",")

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
    fetch(`${server.baseUrl}/api/collections`, json({ name, listRule: "", viewRule: "", createRule, updateRule: "", deleteRule: "", fields: FIELDS }, server.token)).then(async (r) => {
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

/** What a row may use: the seeded ids, and the records the create rows made (the delete row uses them up). */
interface TargetState {
  ids: string[]
  created: Array<{ collection: string; id: string }>
}

interface Row {
  name: string
  /** Short name for `--rows`. */
  key: string
  make: (server: RunningServer, state: TargetState) => RequestFactory
}

const collect = (state: TargetState, collection: string) => (body: ArrayBuffer) =>
  void state.created.push({ collection, id: (JSON.parse(new TextDecoder().decode(body)) as { id: string }).id })

const patch = (body: unknown): RequestInit => ({ method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const ROWS: Row[] = [
  { name: "view by id", key: "view", make: (s, { ids }) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records/${ids[(i * 7) % ids.length]}` }) },
  { name: "list filtered+sorted (with total)", key: "list", make: (s) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records?${LIST_QUERY}&page=${(i % 5) + 1}` }) },
  { name: "list filtered+sorted (skipTotal)", key: "skipTotal", make: (s) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records?${LIST_QUERY}&page=${(i % 5) + 1}&skipTotal=1` }) },
  { name: "create", key: "create", make: (s, state) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records`, init: json(item(RECORDS + i)), read: collect(state, "items") }) },
  { name: "create with a rule", key: "rule", make: (s, state) => (i) => ({ url: `${s.baseUrl}/api/collections/items_rule/records`, init: json(item(i)), read: collect(state, "items_rule") }) },
  { name: "update", key: "update", make: (s, { ids }) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records/${ids[(i * 13) % ids.length]}`, init: patch({ title: `updated ${i}`, n: i % 10_000 }) }) },
  {
    name: "delete",
    key: "delete",
    make: (s, { created }) => () => {
      const next = created.pop()
      return next ? { url: `${s.baseUrl}/api/collections/${next.collection}/records/${next.id}`, init: { method: "DELETE" } } : null
    },
  },
]

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "–")

async function main() {
  const targets: Target[] = TARGETS ?? (ONLY ? [ONLY] : hasReference() ? ["pocketbun", "pocketbase"] : ["pocketbun"])
  if (!targets.includes("pocketbase")) console.error("reference PocketBase not measured (not on PATH or not among the targets)")
  const servers = new Map<Target, RunningServer>()
  const states = new Map<Target, TargetState>()
  try {
    for (const target of targets) {
      const server = await startServer(target)
      servers.set(target, server)
      const t0 = performance.now()
      states.set(target, { ids: await setup(server), created: [] })
      console.error(`${target}: seeded ${RECORDS} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    }
    type Measured = LoadResult & { cpuMicros: number }
    const results: Array<{ name: string; by: Map<Target, Measured> }> = []
    for (const row of ROWS.filter((r) => !ROW_FILTER || ROW_FILTER.includes(r.key))) {
      const by = new Map<Target, Measured>()
      const slices = new Map<Target, LoadResult[]>(targets.map((t) => [t, []]))
      const cpu = new Map<Target, number>(targets.map((t) => [t, 0]))
      for (let slice = 0; slice < SLICES; slice++) {
        for (const target of slice % 2 === 0 ? targets : [...targets].reverse()) {
          const server = servers.get(target)!
          const make = row.make(server, states.get(target)!)
          const offset = slice * 1_000_000
          const cpuBefore = server.cpuSeconds()
          slices.get(target)!.push(await runLoad((i) => make(offset + i), { concurrency: CONCURRENCY, durationMs: DURATION_MS / SLICES }))
          cpu.set(target, cpu.get(target)! + server.cpuSeconds() - cpuBefore)
        }
      }
      for (const target of targets) {
        const load = mergeResults(slices.get(target)!)
        const cpuMicros = (cpu.get(target)! / Math.max(load.requests, 1)) * 1e6
        if (load.errors > 0) console.error(`${target} ${row.name}: ${load.errors} errors, first: ${load.firstError}`)
        console.error(`${target.padEnd(12)} ${row.name.padEnd(36)} ${fmt(load.rps).padStart(7)} req/s  p50 ${fmt(load.p50, 2)} ms  p99 ${fmt(load.p99, 2)} ms  cpu ${fmt(cpuMicros)} us/req`)
        by.set(target, { ...load, cpuMicros })
      }
      results.push({ name: row.name, by })
    }
    console.log(`\nBun ${Bun.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), ${CONCURRENCY} concurrent keep-alive workers, ${DURATION_MS / 1000} s per row and server (${SLICES} alternating slices), ${RECORDS} records\n`)
    const reference = targets.includes("pocketbase") ? "pocketbase" : null
    console.log(`| row | ${targets.map((t) => `${t} req/s | p99 ms | CPU µs/req`).join(" | ")}${reference ? targets.filter((t) => t !== reference).map((t) => ` | ${t} / PocketBase`).join("") : ""} |`)
    console.log(`|---|${targets.map(() => "---:|---:|---:").join("|")}${reference ? targets.filter((t) => t !== reference).map(() => "|---:").join("") : ""}|`)
    for (const r of results) {
      const cells = targets.map((t) => {
        const m = r.by.get(t)!
        return `${fmt(m.rps)} | ${fmt(m.p99, 1)} | ${fmt(m.cpuMicros)}`
      })
      const theirs = reference ? r.by.get(reference)! : null
      const ratios = theirs ? targets.filter((t) => t !== reference).map((t) => ` | ${(r.by.get(t)!.rps / theirs.rps).toFixed(2)}×`).join("") : ""
      console.log(`| ${r.name} | ${cells.join(" | ")}${ratios} |`)
    }
  } finally {
    for (const server of servers.values()) await server.stop()
  }
}

await main()
