/**
 * Runs the whole test suite: `bun test` with a JUnit report, then one line `tests: N passed,
 * M failed` read from that report. Exits non-zero on any failure. (Tests that need Redis start
 * their own private redis-server on free loopback ports, so they can also stop and restart it.)
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs"

const REPORT = ".test-results/junit.xml"

function summarize(): { passed: number; failed: number; skipped: number } | null {
  if (!existsSync(REPORT)) return null
  const xml = readFileSync(REPORT, "utf8")
  const root = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? ""
  const attr = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(root)?.[1] ?? 0)
  const tests = attr("tests")
  const failed = attr("failures") + attr("errors")
  const skipped = attr("skipped")
  return { passed: tests - failed - skipped, failed, skipped }
}

mkdirSync(".test-results", { recursive: true })
rmSync(REPORT, { force: true })
const run = Bun.spawn(["bun", "test", "--reporter=junit", `--reporter-outfile=${REPORT}`, ...Bun.argv.slice(2)], {
  stdout: "inherit",
  stderr: "inherit",
})
const exitCode = await run.exited
const summary = summarize()
if (!summary) {
  console.error("no JUnit report was written")
  console.log("tests: 0 passed, 1 failed")
  process.exit(1)
}
// A crash outside any test (bad import, unhandled error) fails bun without a failing test case.
const failed = summary.failed + (exitCode !== 0 && summary.failed === 0 ? 1 : 0)
console.log(`tests: ${summary.passed} passed, ${failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ""}`)
process.exit(failed > 0 ? 1 : 0)
