/**
 * @module
 * The setup the cross-process tests share: two `serve` processes on one fresh data directory,
 * joined by a private redis-server, with a superuser made beforehand.
 */
import { expect } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freePort, runCli, startServerProcess, type ServerProcess } from "./processes.ts"
import { startRedis } from "./redis.ts"

export interface RedisPair {
  nodes: ServerProcess[]
  /** Stops both processes (with `signal`), then Redis, and removes the data directory. */
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** Starts the pair; `name` tags the temp directory. Everything started is stopped again if a step fails. */
export async function startRedisPair(name: string, superuser: { email: string; password: string }): Promise<RedisPair> {
  const root = mkdtempSync(join(tmpdir(), `pocketbun-${name}-`))
  const dir = join(root, "pb_data")
  const redis = await startRedis()
  let nodes: ServerProcess[] = []
  const stop = async (signal?: NodeJS.Signals) => {
    await Promise.all(nodes.map((node) => node.kill(signal)))
    await redis.dispose()
    rmSync(root, { recursive: true, force: true })
  }
  try {
    expect(runCli("superuser", "upsert", superuser.email, superuser.password, `--dir=${dir}`).code).toBe(0)
    const flags = [`--dir=${dir}`, `--migrationsDir=${join(root, "none")}`, `--realtimeBroker=${redis.url}`]
    nodes = await Promise.all([0, 1].map(async () => startServerProcess(await freePort(), flags)))
  } catch (error) {
    await stop("SIGKILL")
    throw error
  }
  return { nodes, stop }
}
