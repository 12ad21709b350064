/**
 * @module
 * Starts pocketbun and the reference PocketBase as child processes on loopback, each with a
 * fresh temp data dir and a superuser, and stops them (removing the dir) afterwards.
 */
import type { Subprocess } from "bun"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** `pocketbun` runs its default (one process per core); `pocketbun-1p` runs `--workers=1`. */
export type Target = "pocketbun" | "pocketbun-1p" | "pocketbase"

/** A started server with a superuser token. */
export interface RunningServer {
  target: Target
  baseUrl: string
  token: string
  /** The server's process id (to sample its memory). */
  pid: number
  /** Its data directory. */
  dir: string
  /** CPU seconds (user + system) used so far by the server and every process under it. */
  cpuSeconds(): number
  /** The same per thread: `pid:thread name` → CPU seconds. */
  threadCpuSeconds(): Map<string, number>
  stop(): Promise<void>
}

const TICKS_PER_SECOND = 100

// utime + stime (clock ticks) and parent of every process, or of every thread of `pid`, from /proc.
function readStats(folder: string): Array<{ id: number; name: string; parent: number; ticks: number }> {
  const out: Array<{ id: number; name: string; parent: number; ticks: number }> = []
  let entries: string[]
  try {
    entries = readdirSync(folder).filter((name) => /^\d+$/.test(name))
  } catch {
    return out
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`${folder}/${entry}/stat`, "utf8")
      // Fields after the parenthesised command name: state ppid ... utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      out.push({ id: Number(entry), name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) })
    } catch {
      // It ended meanwhile.
    }
  }
  return out
}

/** `root` and the processes under it (Linux; none elsewhere). */
function processTree(root: number): number[] {
  const parents = new Map(readStats("/proc").map((p) => [p.id, p.parent]))
  return [...parents.keys()].filter((pid) => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true
    return false
  })
}

/** Sums utime + stime of `root` and its descendants from /proc (Linux; 0 elsewhere). */
function treeCpuSeconds(root: number): number {
  const tree = new Set(processTree(root))
  return readStats("/proc").filter((p) => tree.has(p.id)).reduce((sum, p) => sum + p.ticks, 0) / TICKS_PER_SECOND
}

/** CPU seconds per thread of `root` and its descendants, keyed `pid:thread name` (threads of one name summed). */
function threadCpuSeconds(root: number): Map<string, number> {
  const totals = new Map<string, number>()
  for (const pid of processTree(root)) {
    for (const thread of readStats(`/proc/${pid}/task`)) {
      const key = `${pid}:${thread.name}`
      totals.set(key, (totals.get(key) ?? 0) + thread.ticks / TICKS_PER_SECOND)
    }
  }
  return totals
}

const ROOT = join(import.meta.dir, "..", "..")
const EMAIL = "bench@example.com"
const PASSWORD = "bench-password-1"

async function runOnce(argv: string[]): Promise<void> {
  const proc = Bun.spawn(argv, { cwd: ROOT, stdout: "ignore", stderr: "pipe" })
  if ((await proc.exited) !== 0) throw new Error(`${argv.join(" ")} failed: ${await new Response(proc.stderr).text()}`)
}

async function freePort(): Promise<number> {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() })
  const port = probe.port!
  await probe.stop(true)
  return port
}

async function waitHealthy(baseUrl: string, proc: Subprocess): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`)
    if (await fetch(`${baseUrl}/api/health`).then((r) => r.ok, () => false)) return
    await Bun.sleep(50)
  }
  throw new Error(`server at ${baseUrl} did not become healthy`)
}

/** Starts `target` on a free loopback port; resolves once healthy and authenticated. */
export async function startServer(target: Target): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), `records-bench-${target}-`))
  const migrations = join(dir, "migrations")
  const port = await freePort()
  const http = `127.0.0.1:${port}`
  let argv: string[]
  if (target !== "pocketbase") {
    await runOnce(["bun", "src/cli.ts", "superuser", "upsert", EMAIL, PASSWORD, `--dir=${dir}`])
    // RECORDS_BENCH_PROFILE=DIR writes a markdown CPU profile of each pocketbun process there when it stops.
    const profile = process.env.RECORDS_BENCH_PROFILE ? ["--cpu-prof-md", `--cpu-prof-dir=${process.env.RECORDS_BENCH_PROFILE}`] : []
    argv = ["bun", ...profile, "src/cli.ts", "serve", `--http=${http}`, `--dir=${dir}`, `--migrationsDir=${migrations}`, ...(target === "pocketbun-1p" ? ["--workers=1"] : [])]
  } else {
    await runOnce(["pocketbase", "superuser", "upsert", EMAIL, PASSWORD, "--dir", dir, "--migrationsDir", migrations])
    argv = ["pocketbase", "serve", "--http", http, "--dir", dir, "--migrationsDir", migrations, "--automigrate=false"]
  }
  const proc = Bun.spawn(argv, { cwd: ROOT, stdout: "ignore", stderr: process.env.RECORDS_BENCH_STDERR ? "inherit" : "ignore" })
  const baseUrl = `http://${http}`
  try {
    await waitHealthy(baseUrl, proc)
  } catch (error) {
    proc.kill("SIGKILL")
    throw error
  }
  const auth = await fetch(`${baseUrl}/api/collections/_superusers/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity: EMAIL, password: PASSWORD }),
  })
  const { token } = (await auth.json()) as { token: string }
  return {
    target,
    baseUrl,
    token,
    pid: proc.pid,
    dir,
    cpuSeconds: () => treeCpuSeconds(proc.pid),
    threadCpuSeconds: () => threadCpuSeconds(proc.pid),
    async stop() {
      proc.kill("SIGTERM")
      await Promise.race([proc.exited, Bun.sleep(5000)])
      if (proc.exitCode === null) proc.kill("SIGKILL")
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Whether the reference `pocketbase` executable is on PATH. */
export const hasReference = (): boolean => Bun.which("pocketbase") !== null
