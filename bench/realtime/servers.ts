/**
 * @module
 * The servers under test (pocketbun, the reference PocketBase, the bare ceiling), started as child
 * processes with the open-file limit raised to the hard limit, and the REST setup they share:
 * superuser token, a `members` auth collection with two users, and a `posts` collection.
 */
import type { Subprocess } from "bun"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** Which server a row runs against. */
export type Target = "pocketbun" | "pocketbase" | "ceiling"

/** A started server. */
export interface RunningTarget {
  target: Target
  baseUrl: string
  port: number
  pid: number
  stop(): Promise<void>
}

const ROOT = join(import.meta.dir, "..", "..")
const EMAIL = "bench@example.com"
const PASSWORD = "bench-password-1"

/** Runs `argv` with `ulimit -n` raised to the hard limit (the shell `exec`s, so the pid is the program's). */
export function spawnRaised(argv: string[], options: { cwd?: string; ipc?: (message: any) => void; quiet?: boolean } = {}): Subprocess {
  return Bun.spawn(["sh", "-c", 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', "sh", ...argv], {
    cwd: options.cwd ?? ROOT,
    stdout: options.quiet === false ? "inherit" : "ignore",
    stderr: "inherit",
    ...(options.ipc ? { ipc: options.ipc, serialization: "json" as const } : {}),
  })
}

async function waitHealthy(baseUrl: string, proc: Subprocess): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`)
    const ok = await fetch(`${baseUrl}/api/health`).then((r) => r.ok, () => false)
    if (ok) return
    await Bun.sleep(100)
  }
  throw new Error(`server at ${baseUrl} did not become healthy`)
}

async function run(argv: string[]): Promise<void> {
  const proc = Bun.spawn(argv, { cwd: ROOT, stdout: "ignore", stderr: "pipe" })
  if ((await proc.exited) !== 0) throw new Error(`${argv.join(" ")} failed: ${await new Response(proc.stderr).text()}`)
}

/**
 * Starts a server on `port` with a fresh data directory and a superuser; resolves once healthy.
 * `serveArgs` are extra flags for pocketbun's `serve` (the cluster benchmark's `--workers=2 …`).
 */
export async function startTarget(target: Target, port: number, options: { serveArgs?: string[] } = {}): Promise<RunningTarget> {
  const dir = mkdtempSync(join(tmpdir(), `rtbench-${target}-`))
  const http = `127.0.0.1:${port}`
  let argv: string[]
  if (target === "pocketbun") {
    await run(["bun", "src/cli.ts", "superuser", "upsert", EMAIL, PASSWORD, `--dir=${dir}`])
    // Defaults throughout (heartbeat timers included): the configuration a user would run.
    // RTBENCH_PROFILE=DIR writes a markdown CPU profile of the server there when it stops.
    const profile = process.env.RTBENCH_PROFILE ? ["--cpu-prof-md", `--cpu-prof-dir=${process.env.RTBENCH_PROFILE}`] : []
    // RTBENCH_POCKETBUN_ROOT=DIR runs the server from another checkout (before/after comparisons).
    argv = ["bun", ...profile, join(process.env.RTBENCH_POCKETBUN_ROOT ?? ROOT, "src/cli.ts"), "serve", `--http=${http}`, `--dir=${dir}`, `--migrationsDir=${join(dir, "migrations")}`, ...(options.serveArgs ?? [])]
  } else if (target === "pocketbase") {
    const migrations = join(dir, "migrations")
    await run(["pocketbase", "superuser", "upsert", EMAIL, PASSWORD, "--dir", dir, "--migrationsDir", migrations])
    argv = ["pocketbase", "serve", "--http", http, "--dir", dir, "--migrationsDir", migrations, "--automigrate=false"]
  } else {
    argv = ["bun", "bench/realtime/ceiling.ts", String(port)]
  }
  const proc = spawnRaised(argv)
  const baseUrl = `http://${http}`
  try {
    await waitHealthy(baseUrl, proc)
  } catch (error) {
    proc.kill("SIGKILL")
    throw error
  }
  return {
    target,
    baseUrl,
    port,
    pid: proc.pid,
    async stop() {
      proc.kill("SIGTERM")
      const killed = await Promise.race([proc.exited.then(() => true), Bun.sleep(5_000).then(() => false)])
      if (!killed) proc.kill("SIGKILL")
      await proc.exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The server's resident set size in bytes (VmRSS), or NaN if it is gone. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await Bun.file(`/proc/${pid}/status`).text().catch(() => "")
  const m = /VmRSS:\s+(\d+) kB/.exec(status)
  return m ? Number(m[1]) * 1024 : NaN
}

/** CPU seconds (user + system) the process has used so far, from `/proc/<pid>/stat`; NaN if it is gone. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Bun.file(`/proc/${pid}/stat`).text().catch(() => "")
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return fields.length > 13 ? (Number(fields[11]) + Number(fields[12])) / 100 : NaN
}

/** Busy and total CPU seconds of the whole machine so far (all cores), from `/proc/stat`. */
export async function machineCpu(): Promise<{ busy: number; total: number }> {
  const line = (await Bun.file("/proc/stat").text()).split("\n", 1)[0]!
  const v = line.trim().split(/\s+/).slice(1).map(Number)
  const idle = v[3]! + v[4]!
  const total = v.reduce((a, b) => a + b, 0)
  return { busy: (total - idle) / 100, total: total / 100 }
}

async function api<T>(baseUrl: string, path: string, body: unknown, token = "", method = "POST"): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: token } : {}) },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return (text ? JSON.parse(text) : {}) as T
}

/** What a row needs from a set-up server. */
export interface Fixture {
  superuserToken: string
  users: Array<{ id: string; token: string }>
}

/**
 * Creates `posts` (title, sentAt, owner; `listRule` as given) and, unless `users` is 0, a
 * `members` auth collection with that many users and their tokens.
 */
export async function setUp(running: RunningTarget, options: { listRule: string; users: number }): Promise<Fixture> {
  if (running.target === "ceiling") return { superuserToken: "", users: [] }
  const { baseUrl } = running
  const { token: superuserToken } = await api<{ token: string }>(baseUrl, "/api/collections/_superusers/auth-with-password", {
    identity: EMAIL,
    password: PASSWORD,
  })
  const users: Fixture["users"] = []
  if (options.users > 0) {
    await api(baseUrl, "/api/collections", { name: "members", type: "auth", fields: [] }, superuserToken)
    for (let i = 0; i < options.users; i++) {
      const email = `member${i}@example.com`
      const { id } = await api<{ id: string }>(
        baseUrl,
        "/api/collections/members/records",
        { email, password: PASSWORD, passwordConfirm: PASSWORD },
        superuserToken,
      )
      const { token } = await api<{ token: string }>(baseUrl, "/api/collections/members/auth-with-password", { identity: email, password: PASSWORD })
      users.push({ id, token })
    }
  }
  await api(
    baseUrl,
    "/api/collections",
    {
      name: "posts",
      type: "base",
      listRule: options.listRule,
      viewRule: options.listRule,
      fields: [
        { name: "title", type: "text" },
        { name: "sentAt", type: "number" },
        { name: "owner", type: "text" },
      ],
    },
    superuserToken,
  )
  return { superuserToken, users }
}
