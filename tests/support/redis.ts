/**
 * @module
 * A private redis-server for tests, on a free loopback port, that a test can stop and start
 * again (fault tests). Never touches anyone else's port 6379.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Subprocess } from "bun"
import { freePort } from "./servers.ts"

export interface TestRedis {
  url: string
  port: number
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops it for good and removes its folder. */
  dispose(): Promise<void>
}

/** Why Redis tests cannot run here, or null when they can. */
export function redisUnavailable(): string | null {
  return Bun.which("redis-server") ? null : "redis-server is not installed (apt-get install redis-server)"
}

async function reachable(port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } })
    socket.end()
    return true
  } catch {
    return false
  }
}

/** Starts a private redis-server. */
export async function startRedis(): Promise<TestRedis> {
  const binary = Bun.which("redis-server")
  if (!binary) throw new Error(redisUnavailable()!)
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), "pocketbun-redis-"))
  let child: Subprocess | null = null
  const start = async () => {
    child = Bun.spawn([binary, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdout: "ignore", stderr: "ignore" })
    const deadline = Date.now() + 10_000
    while (!(await reachable(port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port} within 10 s`)
      await Bun.sleep(20)
    }
  }
  const stop = async () => {
    if (!child) return
    child.kill("SIGKILL")
    await child.exited
    child = null
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async dispose() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
