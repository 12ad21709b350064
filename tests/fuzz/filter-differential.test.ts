/**
 * Differential filter fuzzing, fixed seed: the generated filters, sorts and list rules of one
 * seed run against pocketbun and the reference PocketBase over the same seeded world, and every
 * answer must agree (status, message, ordered ids), as must pocketbun's realtime decision for each
 * record. Runs where the reference is installed; under CI=true it must be installed.
 * Longer runs: `bun bench/filter-fuzz/run.ts --seeds=5 --cases=10000`.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { prepareWorld, runFuzz, type FuzzWorld } from "../support/filter-fuzz/runner.ts"
import { seedWorld } from "../support/filter-fuzz/world.ts"
import { referenceExecutable, startPocketbun, startReference, type PocketbunServer, type TestServer } from "../support/servers.ts"

const SEED = 20261207
const CASES = 300

const reference = referenceExecutable()
const requireReference = process.env.CI === "true"

if (!reference.path && requireReference) {
  it("needs the reference PocketBase under CI", () => {
    throw new Error(reference.reason)
  })
} else if (!reference.path) {
  console.log(`skipping the differential filter fuzz: ${reference.reason}`)
}

describe.skipIf(!reference.path)("filters, sorts and list rules: pocketbun answers as PocketBase does", () => {
  let ours: PocketbunServer
  let theirs: TestServer
  let world: FuzzWorld

  beforeAll(async () => {
    ours = await startPocketbun()
    theirs = await startReference()
    await seedWorld(ours)
    await seedWorld(theirs)
    world = await prepareWorld(ours, theirs)
  }, 60_000)
  afterAll(async () => {
    await Promise.all([ours?.stop(), theirs?.stop()])
  })

  it(`agrees on ${CASES} generated cases (seed ${SEED}) on every path, realtime included`, async () => {
    const report = await runFuzz(world, SEED, CASES)
    for (const m of report.mismatches) console.log(`${m.path} as ${m.actor}: ${JSON.stringify(m.shrunk)}\n  ${m.detail}`)
    expect(report.byPath.filter).toBeGreaterThan(80)
    expect(report.byPath.sort).toBeGreaterThan(30)
    expect(report.byPath.rule).toBeGreaterThan(60)
    expect(report.realtimeChecks).toBeGreaterThan(200)
    expect(report.matcherDecisions).toBeGreaterThan(1000)
    expect(report.liveChecks).toBeGreaterThan(3)
    expect(report.mismatches.map((m) => `${m.path}: ${m.shrunk}`)).toEqual([])
  }, 120_000)
})
