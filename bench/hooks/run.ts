/**
 * @module
 * JavaScript hooks benchmark: pocketbun and the reference PocketBase serve the same `pb_hooks`
 * file (bench/hooks/bench.pb.js): a custom JS route, and record creates through an
 * `onRecordCreateRequest` hook. Both run as child processes from their own root (`pb_data`,
 * `pb_hooks` beside it), measured in alternating slices; prints a Markdown table.
 *
 *   bun bench/hooks/run.ts [--duration=4] [--concurrency=16]
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { cpus, tmpdir } from "node:os"
import { join } from "node:path"
import { mergeResults, runLoad, type LoadResult, type RequestFactory } from "../records/load.ts"

const arg = (name: string, fallback: number) => Number(Bun.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback)
const DURATION_MS = arg("duration", 4) * 1000
const CONCURRENCY = arg("concurrency", 16)
const SLICES = 4
const CLI = join(import.meta.dir, "../../src/cli.ts")
const EMAIL = "bench@example.com"
const PASSWORD = "bench-password-1"

type Target = "pocketbun" | "pocketbase"

interface Server {
  target: Target
  url: string
  stop(): Promise<void>
}

async function start(target: Target): Promise<Server> {
  const root = mkdtempSync(join(tmpdir(), `hooks-bench-${target}-`))
  mkdirSync(join(root, "pb_hooks"))
  copyFileSync(join(import.meta.dir, "bench.pb.js"), join(root, "pb_hooks", "bench.pb.js"))
  const dir = join(root, "pb_data")
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() })
  const port = probe.port!
  await probe.stop(true)
  const command = target === "pocketbun" ? ["bun", CLI] : ["pocketbase"]
  const upsert = Bun.spawnSync([...command, "superuser", "upsert", EMAIL, PASSWORD, `--dir=${dir}`], { cwd: root })
  if (upsert.exitCode !== 0) throw new Error(upsert.stderr.toString())
  const proc = Bun.spawn([...command, "serve", `--http=127.0.0.1:${port}`, `--dir=${dir}`, "--automigrate=false", "--hooksWatch=false"], { cwd: root, stdout: "ignore", stderr: "ignore" })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  while (!(await fetch(`${url}/api/health`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`${target} did not start`)
    await Bun.sleep(50)
  }
  const auth = await fetch(`${url}/api/collections/_superusers/auth-with-password`, post({ identity: EMAIL, password: PASSWORD }))
  const { token } = (await auth.json()) as { token: string }
  const created = await fetch(`${url}/api/collections`, post({ name: "posts", createRule: "", fields: [{ name: "title", type: "text" }] }, token))
  if (!created.ok) throw new Error(`${target}: ${await created.text()}`)
  return {
    target,
    url,
    async stop() {
      proc.kill()
      await proc.exited
      rmSync(root, { recursive: true, force: true })
    },
  }
}

function post(body: unknown, token?: string): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) }, body: JSON.stringify(body) }
}

const ROWS: Array<{ name: string; make: (url: string) => RequestFactory }> = [
  { name: "custom JS route (routerAdd)", make: (url) => (i) => ({ url: `${url}/api/bench/hello/n${i % 100}` }) },
  { name: "create with onRecordCreateRequest", make: (url) => (i) => ({ url: `${url}/api/collections/posts/records`, init: post({ title: ` post ${i} ` }) }) },
]

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "–")

const targets: Target[] = Bun.which("pocketbase") ? ["pocketbun", "pocketbase"] : ["pocketbun"]
const servers = await Promise.all(targets.map(start))
try {
  console.log(`\nBun ${Bun.version}, ${cpus().length} cores, ${CONCURRENCY} workers, ${DURATION_MS / 1000} s per row and server (${SLICES} alternating slices)\n`)
  console.log("| row | pocketbun req/s | pocketbun p99 ms | PocketBase req/s | PocketBase p99 ms | req/s ratio |")
  console.log("|---|---:|---:|---:|---:|---:|")
  for (const row of ROWS) {
    const slices = new Map<Target, LoadResult[]>()
    for (let slice = 0; slice < SLICES; slice++) {
      for (const server of slice % 2 === 0 ? servers : [...servers].reverse()) {
        const result = await runLoad(row.make(server.url), { concurrency: CONCURRENCY, durationMs: DURATION_MS / SLICES })
        slices.set(server.target, [...(slices.get(server.target) ?? []), result])
      }
    }
    const [ours, theirs] = targets.map((t) => mergeResults(slices.get(t)!))
    for (const [t, r] of [["pocketbun", ours], ["pocketbase", theirs]] as const) if (r && r.errors > 0) console.error(`${t} ${row.name}: ${r.errors} errors, first: ${r.firstError}`)
    const ratio = ours && theirs ? `${(ours.rps / theirs.rps).toFixed(2)}×` : "–"
    console.log(`| ${row.name} | ${fmt(ours!.rps)} | ${fmt(ours!.p99, 1)} | ${fmt(theirs?.rps ?? NaN)} | ${fmt(theirs?.p99 ?? NaN, 1)} | ${ratio} |`)
  }
} finally {
  for (const server of servers) await server.stop()
}
