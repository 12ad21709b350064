/**
 * Runs the whole test suite: starts a private redis-server on a free loopback port when one is
 * installed (for the scale-out tests), runs `bun test` with a JUnit report, and ends with one line
 * `tests: N passed, M failed` read from that report. Exits non-zero on any failure.
 */
import { mkdirSync, readFileSync, existsSync, rmSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const REPORT = ".test-results/junit.xml"

async function freePort(): Promise<number> {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() })
  const port = probe.port!
  await probe.stop(true)
  return port
}

async function startRedis(): Promise<{ url: string; stop: () => void } | null> {
  const binary = Bun.which("redis-server")
  if (!binary) {
    console.log("redis-server not found: tests that need Redis will skip")
    return null
  }
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), "pocketbun-redis-"))
  const child = Bun.spawn([binary, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdout: "ignore", stderr: "inherit" })
  const url = `redis://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    try {
      const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } })
      socket.end()
      console.log(`redis-server for tests at ${url}`)
      return { url, stop: () => { child.kill(); rmSync(dir, { recursive: true, force: true }) } }
    } catch {
      await Bun.sleep(50)
    }
  }
  child.kill()
  console.log("redis-server did not start: tests that need Redis will skip")
  return null
}

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

const redis = await startRedis()
mkdirSync(".test-results", { recursive: true })
rmSync(REPORT, { force: true })
const run = Bun.spawn(["bun", "test", "--reporter=junit", `--reporter-outfile=${REPORT}`, ...Bun.argv.slice(2)], {
  stdout: "inherit",
  stderr: "inherit",
  env: { ...process.env, ...(redis ? { POCKETBUN_TEST_REDIS_URL: redis.url } : {}) },
})
const exitCode = await run.exited
redis?.stop()
const summary = summarize()
if (!summary) {
  console.log("tests: 0 passed, 1 failed")
  console.error("no JUnit report was written")
  process.exit(1)
}
// A crash outside any test (bad import, unhandled error) fails bun without a failing test case.
const failed = summary.failed + (exitCode !== 0 && summary.failed === 0 ? 1 : 0)
console.log(`tests: ${summary.passed} passed, ${failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ""}`)
process.exit(failed > 0 ? 1 : 0)
