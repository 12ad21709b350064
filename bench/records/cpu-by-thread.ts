/**
 * @module
 * Where a row's CPU goes, by thread: one server, the records bench's collections and rows, each
 * row warmed up (unmeasured) and then loaded by 64 closed-loop workers; prints, per row, req/s and
 * the CPU per request of every thread of every server process (event loop, JIT compiler, log
 * writer, GC helpers, the workers' hub), from /proc. The delete row deletes what the create rows
 * made: list `create` before it.
 *
 *   bun bench/records/cpu-by-thread.ts [--only=pocketbun-1p | pocketbun | pocketbase] [--rows=create,rule,update,create,delete,view]
 *     [--seconds=6] [--warmup=3] [--records=2000]
 */
import { numericFlag, onlyFlag } from "../flags.ts"
import { runLoad } from "./load.ts"
import { rows, setup, type TargetState } from "./rows.ts"
import { startServer, type Target } from "./servers.ts"

const TARGET = (onlyFlag() ?? "pocketbun-1p") as Target
const SECONDS = numericFlag("seconds", 6, 60)
const WARMUP = numericFlag("warmup", 3, 60)
const RECORDS = numericFlag("records", 2000, 100_000)
const KEYS = Bun.argv.find((a) => a.startsWith("--rows="))?.split("=")[1]?.split(",") ?? ["create", "rule", "update", "view"]

const server = await startServer(TARGET)
try {
  const state: TargetState = { ids: await setup(server, RECORDS), created: [] }
  const all = rows(RECORDS)
  console.log(`${TARGET}: CPU per request by thread (${WARMUP} s warm-up, ${SECONDS} s measured, 64 workers)\n`)
  for (const [index, key] of KEYS.entries()) {
    const row = all.find((r) => r.key === key)
    if (!row) throw new Error(`no row ${key}`)
    const make = row.make(server, state)
    await runLoad((i) => make(index * 10_000_000 + i), { concurrency: 64, durationMs: WARMUP * 1000 })
    const before = server.threadCpuSeconds()
    const load = await runLoad((i) => make(index * 10_000_000 + 5_000_000 + i), { concurrency: 64, durationMs: SECONDS * 1000 })
    const after = server.threadCpuSeconds()
    const perRequest = (seconds: number) => (seconds / Math.max(load.requests, 1)) * 1e6
    const threads = [...after].map(([name, seconds]) => [name, perRequest(seconds - (before.get(name) ?? 0))] as const).filter(([, micros]) => micros >= 0.5)
    const total = threads.reduce((sum, [, micros]) => sum + micros, 0)
    console.log(`${row.name}: ${load.rps.toFixed(0)} req/s, ${load.errors} errors, ${total.toFixed(1)} µs CPU per request`)
    for (const [name, micros] of threads.sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(28)} ${micros.toFixed(1).padStart(6)} µs`)
  }
} finally {
  await server.stop()
}
