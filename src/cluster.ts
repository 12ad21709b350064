/**
 * @module
 * Running as several processes: connecting the Redis broker (with PocketBase-style fault
 * handling at start) and `serve --workers=N`, which starts N copies of this server sharing one
 * data directory and one port (SO_REUSEPORT). Only the CLI uses this module.
 */
import { hostname } from "node:os"
import type { Config } from "./config.ts"
import { RedisBroker } from "./realtime/redis-broker.ts"
import { randomString } from "./core/random.ts"

/** The broker could not be reached at start and was not optional. */
export class BrokerUnavailableError extends Error {}

/** Connects the configured broker; null when none is configured (or it is optional and down). */
export async function connectCluster(config: Readonly<Config>): Promise<RedisBroker | null> {
  if (config.realtimeBroker === "") return null
  const nodeId = `${hostname()}:${process.pid}:${randomString(8)}`
  try {
    return await RedisBroker.connect({ url: config.realtimeBroker, nodeId })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    if (!config.realtimeBrokerOptional) {
      throw new BrokerUnavailableError(`cannot reach the realtime broker at ${config.realtimeBroker}: ${reason}`)
    }
    console.warn(`warning: realtime broker ${config.realtimeBroker} unreachable (${reason}); running in local-only mode`)
    return null
  }
}

/**
 * Starts `config.workers` copies of `serve` with the same flags (minus `--workers`) and
 * `--reusePort`, forwards SIGINT/SIGTERM to them, and exits when they all have; if one dies,
 * the others keep serving.
 */
export async function runWorkers(config: Readonly<Config>, argv: string[]): Promise<number> {
  const args = argv.filter((arg, i) => !arg.startsWith("--workers") && argv[i - 1] !== "--workers")
  const children = Array.from({ length: config.workers }, () =>
    Bun.spawn([process.execPath, import.meta.dir + "/cli.ts", ...args, "--workers=1", "--reusePort"], {
      stdout: "inherit",
      stderr: "inherit",
      env: process.env,
    }),
  )
  const stop = () => {
    for (const child of children) child.kill("SIGTERM")
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
  const codes = await Promise.all(children.map((child) => child.exited))
  return codes.some((code) => code !== 0) ? 1 : 0
}
