/**
 * @module
 * Long runs of the differential filter fuzzer: `bun bench/filter-fuzz/run.ts --seeds=5 --cases=10000`
 * seeds one world into pocketbun and into the reference PocketBase, runs `cases` generated
 * filters, sorts and list rules spread over `seeds` seeds (1, 2, ...; or `--seed=N` for one),
 * and prints every shrunk mismatch and the figures per path. Exits 1 when anything disagrees.
 */
import { prepareWorld, runFuzz, type FuzzReport } from "../../tests/support/filter-fuzz/runner.ts"
import { seedWorld } from "../../tests/support/filter-fuzz/world.ts"
import { startPocketbun, startReference } from "../../tests/support/servers.ts"

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, "").split("=") as [string, string]))
const seedCount = Number(args.seeds ?? 1)
const totalCases = Number(args.cases ?? 1000)
const seeds = args.seed ? [Number(args.seed)] : Array.from({ length: seedCount }, (_, i) => i + 1)
const perSeed = Math.ceil(totalCases / seeds.length)

const ours = await startPocketbun()
const reference = await startReference()
try {
  await seedWorld(ours)
  await seedWorld(reference)
  const world = await prepareWorld(ours, reference)
  const totals: FuzzReport = { cases: 0, byPath: { filter: 0, sort: 0, rule: 0 }, realtimeChecks: 0, matcherDecisions: 0, liveChecks: 0, mismatches: [] }
  const started = performance.now()
  for (const seed of seeds) {
    const report = await runFuzz(world, seed, perSeed, (m) => {
      console.log(`[seed ${seed}] ${m.path} as ${m.actor}: ${JSON.stringify(m.shrunk)}\n    ${m.detail}\n    from ${JSON.stringify(m.text).slice(0, 300)}`)
    })
    totals.cases += report.cases
    totals.realtimeChecks += report.realtimeChecks
    totals.matcherDecisions += report.matcherDecisions
    totals.liveChecks += report.liveChecks
    for (const path of ["filter", "sort", "rule"] as const) totals.byPath[path] += report.byPath[path]
    totals.mismatches.push(...report.mismatches)
    console.log(`seed ${seed}: ${report.cases} cases, ${report.mismatches.length} mismatches`)
  }
  const byPath = (path: string) => totals.mismatches.filter((m) => m.path === path).length
  console.log(
    `\n${totals.cases} cases over ${seeds.length} seed(s) in ${((performance.now() - started) / 1000).toFixed(0)} s: ` +
      `filter ${totals.byPath.filter} (${byPath("filter")} mismatches), sort ${totals.byPath.sort} (${byPath("sort")}), ` +
      `rule ${totals.byPath.rule} (${byPath("rule")}); realtime checks ${totals.realtimeChecks} (${byPath("realtime")} mismatches, ` +
      `${totals.matcherDecisions} in-memory matcher decisions); ${totals.liveChecks} live subscription checks`,
  )
  process.exitCode = totals.mismatches.length === 0 ? 0 : 1
} finally {
  await ours.stop()
  await reference.stop()
}
