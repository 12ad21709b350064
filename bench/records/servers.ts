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
  /** CPU seconds (user + system) used so far by the server and every process under it. */
  cpuSeconds(): number
  stop(): Promise<void>
}

const TICKS_PER_SECOND = 100

/** Sums utime + stime of `root` and its descendants from /proc (Linux; 0 elsewhere). */
function treeCpuSeconds(root: number): number {
  const parents = new Map<number, number>()
  const ticks = new Map<number, number>()
  let entries: string[]
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name))
  } catch {
    return 0
  }
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8")
      // Fields after the parenthesised command name: state ppid ... utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      parents.set(Number(name), Number(fields[1]))
      ticks.set(Number(name), Number(fields[11]) + Number(fields[12]))
    } catch {
      // The process ended meanwhile.
    }
  }
  let total = 0
  for (const [pid, used] of ticks) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) {
      if (p === root) {
        total += used
        break
      }
    }
  }
  return total / TICKS_PER_SECOND
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
    cpuSeconds: () => treeCpuSeconds(proc.pid),
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
