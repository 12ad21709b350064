/**
 * @module
 * Running as several processes: `serve --workers=N` (by default one per core) starts N copies of
 * this server sharing one data directory and one port (SO_REUSEPORT); they exchange realtime
 * events through a unix socket hub in the parent, or through Redis when `--realtimeBroker` names
 * one (several machines). Connecting a broker handles faults at start as PocketBase-style
 * servers do. Only the CLI uses this module.
 */
import { rmSync } from "node:fs"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import type { Config } from "./config.ts"
import type { ClusterBroker } from "./realtime/cluster-broker.ts"
import { RedisBroker } from "./realtime/redis-broker.ts"
import { SocketBroker, startSocketHub } from "./realtime/socket-broker.ts"
import { randomString } from "./core/random.ts"

/** `--realtimeBroker` value naming the parent's unix socket hub. */
const UNIX_SCHEME = "unix:"

/** The broker could not be reached at start and was not optional. */
export class BrokerUnavailableError extends Error {}

/** Connects the configured broker; null when none is configured (or it is optional and down). */
export async function connectCluster(config: Readonly<Config>): Promise<ClusterBroker | null> {
  if (config.realtimeBroker === "") return null
  const nodeId = `${hostname()}:${process.pid}:${randomString(8)}`
  try {
    if (config.realtimeBroker.startsWith(UNIX_SCHEME)) return await SocketBroker.connect({ path: config.realtimeBroker.slice(UNIX_SCHEME.length), nodeId })
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

/** Set in the environment of the processes `runWorkers` starts, so they leave start-up notices to it. */
export const WORKER_ENV = "POCKETBUN_WORKER_PROCESS"

/**
 * Starts `config.workers` copies of `serve` with the same flags (minus `--workers`) and
 * `--reusePort`, forwards SIGINT/SIGTERM to them, and exits when they all have; if one dies,
 * the others keep serving. Without a configured broker, the copies meet at a unix socket hub
 * run here.
 */
export async function runWorkers(config: Readonly<Config>, argv: string[]): Promise<number> {
  const args = argv.filter((arg, i) => !arg.startsWith("--workers") && argv[i - 1] !== "--workers")
  // Bun runtime flags (the request-head limit, CPU profiling) pass on to the workers.
  const runtimeFlags = process.execArgv.filter((arg) => arg.startsWith("--max-http-header-size") || arg.startsWith("--cpu-prof"))
  // Unix socket paths are limited to about 100 bytes, so the socket lives in the temp dir.
  const hub = config.realtimeBroker === "" ? startSocketHub(join(tmpdir(), `pocketbun-${process.pid}-${randomString(6)}.sock`)) : null
  if (hub) args.push(`--realtimeBroker=${UNIX_SCHEME}${hub.path}`)
  const children = Array.from({ length: config.workers }, () =>
    Bun.spawn([process.execPath, ...runtimeFlags, import.meta.dir + "/cli.ts", ...args, "--workers=1", "--reusePort"], {
      stdout: "inherit",
      stderr: "inherit",
      env: { ...process.env, [WORKER_ENV]: "1" },
    }),
  )
  const stop = () => {
    for (const child of children) child.kill("SIGTERM")
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
  const codes = await Promise.all(children.map((child) => child.exited))
  if (hub) {
    hub.stop()
    rmSync(hub.path, { force: true })
  }
  return codes.some((code) => code !== 0) ? 1 : 0
}
