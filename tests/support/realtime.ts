/**
 * @module
 * Helpers for the realtime suites: a global `EventSource` for the SDK (Bun has none), deadlines
 * for every wait, an event collector, raw SSE streams and POSTs for wire checks, users, and
 * servers that can be stopped and started again on the same port and data directory.
 */
import { afterEach } from "bun:test"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { EventSource } from "eventsource"
import PocketBase from "pocketbase"
import { createApp, type App } from "../../src/app.ts"
import { makeConfig, type Config } from "../../src/config.ts"
import { serveApp, type RunningServer } from "../../src/server.ts"
import { upsertSuperuser } from "../../src/auth/superusers.ts"
import { SseReader } from "./realtime-units.ts"
import { referenceExecutable, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, type TestServer } from "./servers.ts"

export { parseFrames, SseReader, type DecodedFrame } from "./realtime-units.ts"

// The SDK opens `new EventSource(url)` from the global scope; the `eventsource` package (v4, on
// fetch) stands in for the browser's.
;(globalThis as { EventSource?: unknown }).EventSource ??= EventSource

/** Polls `predicate` every 10 ms until it holds; fails with `message` after `ms`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms: number, message: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${message}`)
    await Bun.sleep(10)
  }
}

/**
 * Collects what a callback receives. `next()` hands items out in arrival order with a deadline;
 * `all` keeps everything, for "never arrived" checks made after a later event did arrive.
 */
export class EventCollector<T = any> {
  readonly all: T[] = []
  #cursor = 0
  readonly #label: string

  constructor(label: string) {
    this.#label = label
  }

  /** The callback to hand to `subscribe`. */
  readonly push = (item: T): void => {
    this.all.push(item)
  }

  /** The next item not yet taken, or a failure naming the collector after `timeoutMs`. */
  async next(timeoutMs = 3000): Promise<T> {
    await waitFor(() => this.all.length > this.#cursor, timeoutMs, `the next event on ${this.#label} (had ${this.all.length}: ${preview(this.all)})`)
    return this.all[this.#cursor++]!
  }

  /** Waits for an item (taken or not) that satisfies `predicate` and returns it. */
  async find(predicate: (item: T) => boolean, what: string, timeoutMs = 3000): Promise<T> {
    await waitFor(() => this.all.some(predicate), timeoutMs, `${what} on ${this.#label} (had ${this.all.length}: ${preview(this.all)})`)
    return this.all.find(predicate)!
  }

  /** Items not yet taken by `next()`. */
  get pending(): T[] {
    return this.all.slice(this.#cursor)
  }
}

function preview(items: unknown[]): string {
  const text = JSON.stringify(items.slice(-5))
  return text.length > 400 ? `${text.slice(0, 400)}…` : text
}

/** A `{action, record}` record event as the SDK hands it to a callback. */
export interface RecordEventData {
  action: string
  record: Record<string, any>
}

/** Shorthand for "the event about record `id` with `action`". */
export const about = (action: "create" | "update" | "delete", id: string) => (e: RecordEventData) => e.action === action && e.record.id === id

/** A raw `GET /api/realtime` stream read up to its PB_CONNECT frame. */
export interface RawStream {
  response: Response
  reader: SseReader
  clientId: string
  close(): Promise<void>
}

/** Opens the SSE stream with plain fetch and waits (3 s) for the first frame. */
export async function openRawStream(url: string, init?: RequestInit): Promise<RawStream> {
  const response = await fetch(`${url}/api/realtime`, init)
  if (!response.body) throw new Error(`GET /api/realtime answered ${response.status} without a body`)
  const reader = new SseReader(response.body)
  await reader.until((t) => t.includes("\n\n"), "the PB_CONNECT frame")
  const clientId = reader.frames()[0]!.id
  return { response, reader, clientId, close: () => reader.cancel().catch(() => {}) }
}

/** An answer to a raw POST: status, raw text and parsed JSON (null when empty or not JSON). */
export interface RawAnswer {
  status: number
  text: string
  json: any
}

/** POSTs to `/api/realtime`; a string body is sent as is, anything else as JSON. */
export async function postRealtime(url: string, body: unknown, options: { token?: string; contentType?: string } = {}): Promise<RawAnswer> {
  // An empty contentType sends no Content-Type header at all.
  const headers: Record<string, string> = {}
  if (options.contentType !== "") headers["Content-Type"] = options.contentType ?? "application/json"
  if (options.token) headers.Authorization = options.token
  const response = await fetch(`${url}/api/realtime`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) })
  const text = await response.text()
  let json: any = null
  try {
    json = text === "" ? null : JSON.parse(text)
  } catch {
    // not JSON: `text` says what it was
  }
  return { status: response.status, text, json }
}

/** A user created by the superuser, with its password. */
export interface TestUser {
  id: string
  email: string
  password: string
}

/** Creates a `users` record (verified, email hidden). */
export async function createUser(admin: PocketBase, email: string, extra: Record<string, unknown> = {}): Promise<TestUser> {
  const password = "password-123456"
  const record = await admin.collection("users").create({ email, password, passwordConfirm: password, ...extra })
  return { id: record.id, email, password }
}

/** Keeps the SDK clients a test creates so `closeAll()` can end their streams in `afterEach`. */
export class SdkClients {
  readonly #open: PocketBase[] = []

  /** A new SDK client for `server`, logged in as `user` when given. */
  async make(server: Pick<TestServer, "url">, user?: TestUser): Promise<PocketBase> {
    const pb = new PocketBase(server.url)
    pb.autoCancellation(false)
    if (user) await pb.collection("users").authWithPassword(user.email, user.password)
    this.#open.push(pb)
    return pb
  }

  /** Unsubscribes every client, which closes its EventSource. */
  async closeAll(): Promise<void> {
    for (const pb of this.#open.splice(0)) await pb.realtime.unsubscribe().catch(() => {})
  }
}

/** One subscriber of a "who sees which event" suite: its SDK client, its events and its pings. */
export interface Watcher {
  name: string
  pb: PocketBase
  events: EventCollector<RecordEventData>
  pings: EventCollector<RecordEventData>
}

/**
 * Watchers for suites that check who gets which record event. Every watcher also follows
 * `pings/*` (a collection anyone may list, which the suite creates): `ping` creates one ping and
 * waits until every watcher has it, so anything sent before had every chance to arrive first.
 */
export function eventWatchers(server: () => TestServer, sdk: SdkClients) {
  return {
    /** Creates the `pings` collection (call once, before the first `watch`). */
    async createPings(): Promise<void> {
      await server().admin.collections.create({ name: "pings", listRule: "", viewRule: "", fields: [{ name: "n", type: "number" }] })
    },
    /** Subscribes a guest (no user) or a user to `topic` of `collection`, and to `pings/*`. */
    async watch(name: string, user: TestUser | null, collection: string, topic: string, options?: Record<string, string>): Promise<Watcher> {
      const pb = await sdk.make(server(), user ?? undefined)
      const events = new EventCollector<RecordEventData>(`${name} ${collection}/${topic}`)
      const pings = new EventCollector<RecordEventData>(`${name} pings/*`)
      await pb.collection(collection).subscribe(topic, events.push, options)
      await pb.collection("pings").subscribe("*", pings.push)
      return { name, pb, events, pings }
    },
    async ping(...watchers: Watcher[]): Promise<void> {
      const record = await server().admin.collection("pings").create({ n: 1 })
      for (const w of watchers) await w.pings.find(about("create", record.id), "the ping")
    },
  }
}

/** A server that can be stopped and started again on the same port and data directory. */
export interface RestartableServer extends TestServer {
  /** Stops the server (its data stays). */
  halt(): Promise<void>
  /** Starts it again on the same port and data directory. */
  resume(): Promise<void>
  /** pocketbun's current app (after `resume()`, the new one); undefined for the reference. */
  readonly app: App | undefined
}

async function adminOf(url: string): Promise<PocketBase> {
  const pb = new PocketBase(url)
  pb.autoCancellation(false)
  await pb.collection("_superusers").authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD)
  return pb
}

async function waitForHealth(url: string, ms: number): Promise<void> {
  await waitFor(async () => {
    try {
      return (await fetch(`${url}/api/health`)).ok
    } catch {
      return false
    }
  }, ms, `${url}/api/health to answer`)
}

/** pocketbun in-process on a fixed port once chosen, restartable on it. */
export async function startRestartablePocketbun(overrides: Partial<Config> = {}): Promise<RestartableServer> {
  const dir = mkdtempSync(join(tmpdir(), "pocketbun-rt-restart-"))
  const config = makeConfig({ dir, migrationsDir: join(dir, "no-migrations"), ...overrides })
  let app = createApp(config)
  await upsertSuperuser(app.services, SUPERUSER_EMAIL, SUPERUSER_PASSWORD)
  let running: RunningServer | null = await serveApp(app, "127.0.0.1", 0)
  const port = running.server.port!
  const url = `http://127.0.0.1:${port}`
  const admin = await adminOf(url)
  const halt = async () => {
    await running?.stop()
    running = null
  }
  return {
    name: "pocketbun",
    url,
    dir,
    admin,
    get app() {
      return app
    },
    client: () => new PocketBase(url),
    halt,
    async resume() {
      app = createApp(config)
      running = await serveApp(app, "127.0.0.1", port)
      await waitForHealth(url, 5000)
    },
    async stop() {
      await halt()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The reference PocketBase as a child process, restartable on the same port and data dir. */
export async function startRestartableReference(): Promise<RestartableServer> {
  const { path, reason } = referenceExecutable()
  if (!path) throw new Error(reason)
  const root = mkdtempSync(join(tmpdir(), "pocketbase-rt-restart-"))
  const dir = join(root, "pb_data")
  mkdirSync(dir, { recursive: true })
  const folders = ["--dir", dir, "--migrationsDir", join(root, "pb_migrations")]
  const upsert = Bun.spawnSync([path, "superuser", "upsert", SUPERUSER_EMAIL, SUPERUSER_PASSWORD, ...folders])
  if (upsert.exitCode !== 0) throw new Error(`pocketbase superuser upsert failed: ${upsert.stderr.toString()}`)
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() })
  const port = probe.port!
  await probe.stop(true)
  const url = `http://127.0.0.1:${port}`
  let child: ReturnType<typeof Bun.spawn> | null = null
  const launch = async () => {
    child = Bun.spawn([path, "serve", "--http", `127.0.0.1:${port}`, ...folders, "--automigrate=false"], { stdout: "ignore", stderr: "ignore" })
    await waitForHealth(url, 15_000)
  }
  const halt = async () => {
    const running = child
    child = null
    if (!running) return
    running.kill()
    await running.exited
  }
  await launch()
  const admin = await adminOf(url)
  return {
    name: "pocketbase",
    url,
    dir,
    admin,
    app: undefined,
    client: () => new PocketBase(url),
    halt,
    resume: launch,
    async stop() {
      await halt()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

/** Closes a test's raw streams and SDK clients after each test of the surrounding describe. */
export function closeAfterEach(streams: RawStream[], sdk: SdkClients): void {
  afterEach(async () => {
    for (const stream of streams.splice(0)) await stream.close()
    await sdk.closeAll()
  })
}
