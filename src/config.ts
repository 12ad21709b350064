/**
 * @module
 * The one typed configuration object: defaults, parsing from CLI flags and environment, frozen.
 * Flags are spelled as PocketBase spells them (`--http`, `--dir`, `--migrationsDir`, `--hooksDir`, ...).
 */
import { availableParallelism } from "node:os"
import { join, resolve } from "node:path"

export interface Config {
  /** Address to listen on, `host:port`. @default "127.0.0.1:8090" */
  http: string
  /** Data directory holding `data.db`. @default "./pb_data" */
  dir: string
  /**
   * Folder of migration files: PocketBase's JavaScript migrations and TypeScript modules side by
   * side. The CLI defaults it beside the data directory, as PocketBase does; "" means none.
   * @default "DIR/../pb_migrations" (CLI), "" (makeConfig)
   */
  migrationsDir: string
  /** Folder of `*.pb.js` hook files; "" means none. @default "DIR/../pb_hooks" (CLI), "" (makeConfig) */
  hooksDir: string
  /** Folder served as static files at `/`; "" means none. @default "DIR/../pb_public" (CLI), "" (makeConfig) */
  publicDir: string
  /** Serve `index.html` for missing static paths (single-page apps). @default true */
  indexFallback: boolean
  /** Write a JavaScript migration whenever a collection changes through the API. @default true (CLI), false (makeConfig) */
  automigrate: boolean
  /** Reload the hooks when a file in `hooksDir` changes. @default true (CLI), false (makeConfig) */
  hooksWatch: boolean
  /** Maximum request body size in bytes (PocketBase's default). @default 32 * 1024 * 1024 */
  bodyLimit: number
  /** Seconds between SSE heartbeat comments. @default 25 */
  realtimeHeartbeat: number
  /** Close a realtime stream after this many seconds without a delivered message. @default 300 */
  realtimeIdleTimeout: number
  /** Close a realtime stream after this many seconds regardless of traffic. @default 1800 */
  realtimeMaxLifetime: number
  /** Outbound buffer per realtime client, in bytes; a client that overflows it is disconnected. @default 1024 * 1024 */
  realtimeBuffer: number
  /** Seconds of realtime events kept for clients that resume after a reconnect (with `realtimeResumeEvents`, whichever keeps more). @default 300 */
  realtimeResumeWindow: number
  /** Realtime events kept for clients that resume after a reconnect (with `realtimeResumeWindow`, whichever keeps more). @default 100000 */
  realtimeResumeEvents: number
  /** Redis URL for realtime across machines (`unix:PATH` is how workers reach their parent's hub); empty = one machine. @default "" */
  realtimeBroker: string
  /** Start in local-only mode (with a warning) when the broker is unreachable, instead of exiting. @default false */
  realtimeBrokerOptional: boolean
  /** Server processes sharing the port; they exchange realtime events through a unix socket hub unless `realtimeBroker` names Redis. @default the number of cores */
  workers: number
  /** Share the listening port with other processes (SO_REUSEPORT). @default false */
  reusePort: boolean
  /** Threads that run record-list queries; 0 runs them on the main thread. @default 2 */
  readWorkers: number
  /** Failed logins allowed per (identity, IP) within the throttle window. @default 5 */
  loginMaxFailures: number
  /** Failed logins allowed per IP, across identities, within the throttle window. @default 20 */
  loginMaxIpFailures: number
  /** Login throttle window in seconds. @default 60 */
  loginWindow: number
  /** Development: with SMTP off, write outgoing mail to the log instead of handing it to `sendmail`. @default false */
  mailLog: boolean
  /** Images with more pixels than this get no thumbs (the original is served). @default 40_000_000 */
  thumbMaxPixels: number
  /** Subscriptions one realtime WebSocket may request (`*` counts as one). @default 1000 */
  realtimeWsMaxSubscriptions: number
  /** Subscribe messages one realtime WebSocket may send per second. @default 10 */
  realtimeWsSubscribeRate: number
  /** Realtime WebSockets per client IP; more upgrades are refused with 429. @default 100 */
  realtimeWsPerIp: number
  /** Realtime WebSockets authenticated as one record; more get a 429 error on auth. @default 20 */
  realtimeWsPerUser: number
}

export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  http: "127.0.0.1:8090",
  dir: "./pb_data",
  migrationsDir: "",
  hooksDir: "",
  publicDir: "",
  indexFallback: true,
  automigrate: false,
  hooksWatch: false,
  bodyLimit: 32 * 1024 * 1024,
  realtimeHeartbeat: 25,
  realtimeIdleTimeout: 300,
  realtimeMaxLifetime: 1800,
  realtimeBuffer: 1024 * 1024,
  realtimeResumeWindow: 300,
  realtimeResumeEvents: 100_000,
  realtimeBroker: "",
  realtimeBrokerOptional: false,
  workers: availableParallelism(),
  reusePort: false,
  readWorkers: 2,
  loginMaxFailures: 5,
  loginMaxIpFailures: 20,
  loginWindow: 60,
  mailLog: false,
  thumbMaxPixels: 40_000_000,
  realtimeWsMaxSubscriptions: 1000,
  realtimeWsSubscribeRate: 10,
  realtimeWsPerIp: 100,
  realtimeWsPerUser: 20,
})

/** A bad flag or value; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

const NUMERIC_KEYS = new Set<keyof Config>(["bodyLimit", "realtimeHeartbeat", "realtimeIdleTimeout", "realtimeMaxLifetime", "realtimeBuffer", "realtimeResumeWindow", "realtimeResumeEvents", "workers", "readWorkers", "loginMaxFailures", "loginMaxIpFailures", "loginWindow", "thumbMaxPixels",
  "realtimeWsMaxSubscriptions", "realtimeWsSubscribeRate", "realtimeWsPerIp", "realtimeWsPerUser"])

/** Flags that take no value (`--reusePort`), or `--flag=true|false`. */
export const BOOLEAN_KEYS: ReadonlySet<string> = new Set(["realtimeBrokerOptional", "reusePort", "mailLog", "indexFallback", "automigrate", "hooksWatch"])

/** What the command line changes from {@link DEFAULT_CONFIG}: PocketBase's binary defaults. */
const CLI_DEFAULTS: Partial<Config> = { automigrate: true, hooksWatch: true }

/** Folders the CLI places beside the data directory when not given, as PocketBase does. */
const SIBLING_FOLDERS = { migrationsDir: "pb_migrations", hooksDir: "pb_hooks", publicDir: "pb_public" } as const

/** Environment variables read when no flag is given, e.g. `POCKETBUN_HTTP`. */
const ENV_NAMES: Record<keyof Config, string> = {
  http: "POCKETBUN_HTTP",
  dir: "POCKETBUN_DIR",
  migrationsDir: "POCKETBUN_MIGRATIONS_DIR",
  hooksDir: "POCKETBUN_HOOKS_DIR",
  publicDir: "POCKETBUN_PUBLIC_DIR",
  indexFallback: "POCKETBUN_INDEX_FALLBACK",
  automigrate: "POCKETBUN_AUTOMIGRATE",
  hooksWatch: "POCKETBUN_HOOKS_WATCH",
  bodyLimit: "POCKETBUN_BODY_LIMIT",
  realtimeHeartbeat: "POCKETBUN_REALTIME_HEARTBEAT",
  realtimeIdleTimeout: "POCKETBUN_REALTIME_IDLE_TIMEOUT",
  realtimeMaxLifetime: "POCKETBUN_REALTIME_MAX_LIFETIME",
  realtimeBuffer: "POCKETBUN_REALTIME_BUFFER",
  realtimeResumeWindow: "POCKETBUN_REALTIME_RESUME_WINDOW",
  realtimeResumeEvents: "POCKETBUN_REALTIME_RESUME_EVENTS",
  realtimeBroker: "POCKETBUN_REALTIME_BROKER",
  realtimeBrokerOptional: "POCKETBUN_REALTIME_BROKER_OPTIONAL",
  workers: "POCKETBUN_WORKERS",
  reusePort: "POCKETBUN_REUSE_PORT",
  readWorkers: "POCKETBUN_READ_WORKERS",
  loginMaxFailures: "POCKETBUN_LOGIN_MAX_FAILURES",
  loginMaxIpFailures: "POCKETBUN_LOGIN_MAX_IP_FAILURES",
  loginWindow: "POCKETBUN_LOGIN_WINDOW",
  mailLog: "POCKETBUN_MAIL_LOG",
  thumbMaxPixels: "POCKETBUN_THUMB_MAX_PIXELS",
  realtimeWsMaxSubscriptions: "POCKETBUN_REALTIME_WS_MAX_SUBSCRIPTIONS",
  realtimeWsSubscribeRate: "POCKETBUN_REALTIME_WS_SUBSCRIBE_RATE",
  realtimeWsPerIp: "POCKETBUN_REALTIME_WS_PER_IP",
  realtimeWsPerUser: "POCKETBUN_REALTIME_WS_PER_USER",
}

/** Splits argv into positional words and `--flag=value` / `--flag value` pairs. */
export function splitArgs(argv: string[], booleanFlags: ReadonlySet<string> = new Set()): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = []
  const flags = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith("--")) {
      positional.push(arg)
      continue
    }
    const eq = arg.indexOf("=")
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    if (name === "") throw new UsageError(`invalid flag "${arg}"`)
    if (eq !== -1) flags.set(name, arg.slice(eq + 1))
    else if (booleanFlags.has(name)) flags.set(name, "true")
    else {
      const value = argv[++i]
      if (value === undefined) throw new UsageError(`flag --${name} needs a value`)
      flags.set(name, value)
    }
  }
  return { positional, flags }
}

/** Builds the frozen config from parsed flags (only `allowed` ones) over env over defaults. */
export function buildConfig(flags: Map<string, string>, env: Record<string, string | undefined>, allowed: ReadonlyArray<keyof Config>): Readonly<Config> {
  const config: Config = { ...DEFAULT_CONFIG, ...CLI_DEFAULTS }
  for (const [name, value] of flags) {
    if (!(allowed as string[]).includes(name)) throw new UsageError(`unknown flag --${name}`)
  }
  for (const key of allowed) {
    const raw = flags.get(key) ?? env[ENV_NAMES[key]]
    if (raw === undefined) continue
    if (BOOLEAN_KEYS.has(key)) {
      if (raw !== "true" && raw !== "false") throw new UsageError(`--${key} takes true or false, got "${raw}"`)
      ;(config as unknown as Record<string, boolean>)[key] = raw === "true"
    } else if (NUMERIC_KEYS.has(key)) {
      const value = Number(raw)
      const floor = key === "readWorkers" ? 0 : Number.MIN_VALUE
      if (raw.trim() === "" || !Number.isFinite(value) || value < floor) throw new UsageError(`--${key} must be a positive number, got "${raw}"`)
      ;(config as unknown as Record<string, number>)[key] = value
    } else {
      ;(config as unknown as Record<string, string>)[key] = raw
    }
  }
  for (const key of ["workers", "readWorkers"] as const) {
    if (!Number.isInteger(config[key])) throw new UsageError(`--${key} must be a whole number, got "${config[key]}"`)
  }
  if (!/^[^:]*:\d+$/.test(config.http)) throw new UsageError(`--http must be host:port, got "${config.http}"`)
  config.dir = resolve(config.dir)
  for (const [key, folder] of Object.entries(SIBLING_FOLDERS) as Array<[keyof typeof SIBLING_FOLDERS, string]>) {
    config[key] = config[key] === "" ? join(config.dir, "..", folder) : resolve(config[key])
  }
  return Object.freeze(config)
}

/** Path of the SQLite file inside a data directory. */
export const databasePath = (config: Pick<Config, "dir">): string => join(config.dir, "data.db")

/** The data directory's shared counter file, bumped when settings change (see `ChangeSignal`). */
export const SETTINGS_SIGNAL_FILE = ".pocketbun-settings-signal"

/** A config for tests and embedding: defaults plus overrides, frozen. */
export function makeConfig(overrides: Partial<Config> = {}): Readonly<Config> {
  return Object.freeze({ ...DEFAULT_CONFIG, ...overrides })
}
