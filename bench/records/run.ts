/**
 * @module
 * Records API benchmark: pocketbun vs the reference PocketBase in the same run, both as child
 * processes on 127.0.0.1 with temp data dirs. Seeds a 10,000-record collection, then measures, as
 * a guest and for a fixed duration each: view by id, a filtered+sorted list (with and without
 * skipTotal), create, create through a createRule, update, and delete (of the records the create
 * rows made). Each row first runs unmeasured against every server (warm-up), then its time is
 * split into slices that alternate between the servers, so background load on a shared machine
 * hits all alike. Prints req/s, p99, server CPU per request
 * (whole process tree) and the ratios as a Markdown table for bench/RESULTS.md.
 *
 *   bun bench/records/run.ts [--duration=5] [--warmup=3] [--concurrency=16] [--records=10000] [--rows=create,update,logs,batch]
 *     [--only=pocketbun | --targets=pocketbun,pocketbun-1p,pocketbase]
 *
 * `pocketbun` is the default `serve` (one process per core), `pocketbun-1p` is `--workers=1`.
 *
 * `batch` posts 50 creates per `POST /api/batch` (batches enabled at setup): its req/s times 50 is
 * records/s, to compare with the `create` row's single creates. The `logs` row measures
 * `create, request logs on` and `create, request logs off` together: within each slice the server
 * alternates between logging on and off (set through the settings API, on every server), so their
 * ratio is what request logging costs, under the same background load.
 */
import { cpus } from "node:os"
import { mergeResults, runLoad, type LoadResult } from "./load.ts"
import { patchSettings, rows, setup, type TargetState } from "./rows.ts"
import { hasReference, startServer, type RunningServer, type Target } from "./servers.ts"
import { numericFlag, onlyFlag } from "../flags.ts"

const DURATION_MS = numericFlag("duration", 5, 30) * 1000
const CONCURRENCY = numericFlag("concurrency", 16, 256)
const RECORDS = numericFlag("records", 10_000, 100_000)
const SLICES = 5
/** Unmeasured load per row and server first, so the JIT's compiling is not counted as serving. */
const WARMUP_MS = numericFlag("warmup", 3, 10) * 1000
const ONLY = onlyFlag() as Target | undefined
const TARGETS = Bun.argv.find((a) => a.startsWith("--targets="))?.split("=")[1]?.split(",") as Target[] | undefined
const ROW_FILTER = Bun.argv.find((a) => a.startsWith("--rows="))?.split("=")[1]?.split(",")

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
      states.set(target, { ids: await setup(server, RECORDS), created: [] })
      console.error(`${target}: seeded ${RECORDS} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    }
    type Measured = LoadResult & { cpuMicros: number }
    const results: Array<{ name: string; by: Map<Target, Measured> }> = []
    for (const row of rows(RECORDS).filter((r) => !ROW_FILTER || ROW_FILTER.includes(r.key))) {
      const variants = row.variants ?? [{ name: row.name, settings: null }]
      const slices = new Map<string, LoadResult[]>()
      const cpu = new Map<string, number>()
      for (const target of targets) {
        const make = row.make(servers.get(target)!, states.get(target)!)
        await runLoad((i) => make(9_000_000 + i), { concurrency: CONCURRENCY, durationMs: WARMUP_MS })
      }
      for (let slice = 0; slice < SLICES; slice++) {
        for (const target of slice % 2 === 0 ? targets : [...targets].reverse()) {
          const server = servers.get(target)!
          const make = row.make(server, states.get(target)!)
          for (const [v, variant] of (slice % 2 === 0 ? variants : [...variants].reverse()).entries()) {
            if (variant.settings) await patchSettings(server, variant.settings)
            const offset = slice * 1_000_000 + v * 100_000
            const key = `${variant.name}|${target}`
            const cpuBefore = server.cpuSeconds()
            slices.set(key, [...(slices.get(key) ?? []), await runLoad((i) => make(offset + i), { concurrency: CONCURRENCY, durationMs: DURATION_MS / SLICES })])
            cpu.set(key, (cpu.get(key) ?? 0) + server.cpuSeconds() - cpuBefore)
          }
        }
      }
      if (row.variants) for (const server of servers.values()) await patchSettings(server, row.variants[0]!.settings)
      for (const variant of variants) {
        const by = new Map<Target, Measured>()
        for (const target of targets) {
          const key = `${variant.name}|${target}`
          const load = mergeResults(slices.get(key)!)
          const cpuMicros = (cpu.get(key)! / Math.max(load.requests, 1)) * 1e6
          if (load.errors > 0) console.error(`${target} ${variant.name}: ${load.errors} errors, first: ${load.firstError}`)
          console.error(`${target.padEnd(12)} ${variant.name.padEnd(36)} ${fmt(load.rps).padStart(7)} req/s  p50 ${fmt(load.p50, 2)} ms  p99 ${fmt(load.p99, 2)} ms  cpu ${fmt(cpuMicros)} us/req`)
          by.set(target, { ...load, cpuMicros })
        }
        results.push({ name: variant.name, by })
      }
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
