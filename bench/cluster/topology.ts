/**
 * @module
 * What the cluster benchmark starts: pocketbun as one process or as `serve --workers=2` sharing
 * one data directory and one port, joined by the unix socket hub or (`--broker=redis`) by a
 * private `redis-server` on a free loopback port (never 6379); plus the per-process view from `GET /api/realtime/stats`
 * (node ids carry the worker's pid, which the CPU accounting needs).
 */
import { RedisClient, type Subprocess } from "bun"
import { readdir } from "node:fs/promises"
import { startTarget, type RunningTarget } from "../realtime/servers.ts"
import type { PinnedConnection } from "./pinned-http.ts"

/** A loopback TCP port nobody listens on right now (never Redis' default 6379). */
export function freePort(): number {
  for (;;) {
    const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } })
    const port = listener.port
    listener.stop(true)
    if (port !== 6379) return port
  }
}

/** A private redis-server: no persistence, loopback only. */
export interface RedisServer {
  port: number
  pid: number
  stop(): Promise<void>
}

/** Starts redis-server on a free port; resolves once it answers PING. */
export async function startRedis(): Promise<RedisServer> {
  const port = freePort()
  const proc: Subprocess = Bun.spawn(
    ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"],
    { stdout: "ignore", stderr: "inherit" },
  )
  const stop = async () => {
    proc.kill("SIGKILL")
    await proc.exited
  }
  const deadline = Date.now() + 10_000
  for (;;) {
    const probe = new RedisClient(`redis://127.0.0.1:${port}`, { autoReconnect: false, connectionTimeout: 500 })
    const ok = await probe.ping().then(() => true, () => false)
    probe.close()
    if (ok) return { port, pid: proc.pid, stop }
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`redis-server on port ${port} did not start`)
    }
    await Bun.sleep(100)
  }
}

/** Counters one process reports. */
export interface NodeStats {
  node: string
  clients: number
  subscriptions: number
  eventsIn: number
  framesOut: number
  droppedSlowClients: number
}

/** The pid inside a node id (`host:pid:random`, or `host:pid` for a lone process). */
export function nodePid(node: string): number {
  const m = /:(\d+)(?::[0-9A-Za-z]{8})?$/.exec(node)
  if (!m) throw new Error(`node id without a pid: ${node}`)
  return Number(m[1])
}

/** Per-process counters, answered by whichever process the request reaches (listed first). */
export async function clusterStats(baseUrl: string, token: string): Promise<NodeStats[]> {
  const res = await fetch(`${baseUrl}/api/realtime/stats`, { headers: { Authorization: token } })
  if (!res.ok) throw new Error(`GET /api/realtime/stats: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { nodes: NodeStats[] }).nodes
}

/** Which process a pinned connection reaches: the first node of its stats answer. */
export async function nodeOf(connection: PinnedConnection, token: string): Promise<string> {
  const res = await connection.request("GET", "/api/realtime/stats", { Authorization: token })
  if (res.status !== 200) throw new Error(`GET /api/realtime/stats: ${res.status} ${res.body}`)
  return (JSON.parse(res.body) as { nodes: NodeStats[] }).nodes[0]!.node
}

/**
 * CPU seconds the whole machine spent in interrupt and softirq context so far (loopback TCP
 * delivery mostly runs there, charged to no process), from `/proc/stat`.
 */
export async function irqSeconds(): Promise<number> {
  const line = (await Bun.file("/proc/stat").text()).split("\n", 1)[0]!
  const v = line.trim().split(/\s+/).slice(1).map(Number)
  return (v[5]! + v[6]!) / 100
}

/** The direct children of `pid`, from `/proc/<pid>/task/<tid>/children` of each of its threads. */
async function childPids(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[])
  const lists = await Promise.all(tasks.map((tid) => Bun.file(`/proc/${pid}/task/${tid}/children`).text().catch(() => "")))
  return lists.flatMap((text) => text.trim().split(/\s+/).filter(Boolean).map(Number))
}

/** pocketbun as started for one topology, with its Redis when it has one. */
export interface Deployment {
  server: RunningTarget
  redis: RedisServer | null
  stop(): Promise<void>
}

/** Starts pocketbun with `workers` processes; above 1 they meet at the unix socket hub, or at a private Redis for `broker` "redis". */
export async function deploy(workers: number, port: number, broker: "hub" | "redis" = "hub"): Promise<Deployment> {
  const redis = workers > 1 && broker === "redis" ? await startRedis() : null
  try {
    const serveArgs = [`--workers=${workers}`, ...(redis ? [`--realtimeBroker=redis://127.0.0.1:${redis.port}`] : [])]
    const server = await startTarget("pocketbun", port, { serveArgs })
    return {
      server,
      redis,
      async stop() {
        // `--workers` children are killed by pid if a slow shutdown leaves them behind.
        const children = await childPids(server.pid)
        await server.stop()
        for (const pid of children) {
          try {
            process.kill(pid, "SIGKILL")
          } catch {
            // Already gone.
          }
        }
        await redis?.stop()
      },
    }
  } catch (error) {
    await redis?.stop()
    throw error
  }
}
