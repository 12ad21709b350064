/**
 * @module
 * Realtime fault benchmark (issue 20), loopback only, bounded in time, stops by itself:
 *
 *   bun bench/realtime-faults/run.ts [--only=stall,outage,cut] [--outages=5,30] [--clients=50] [--rate=20]
 *
 * stall   `--clients` SSE readers and one raw socket that stops reading (`--realtimeBuffer=65536`):
 *         the others' delivery p99 without and with the stalled reader, server RSS, and the time
 *         from the stall until the stalled socket is closed.
 * outage  two `serve` processes on one data directory and a private redis-server; readers on both;
 *         records written on both at `--rate`/s before, during (`--outages` seconds, redis-server
 *         killed) and after; events lost and duplicated per reader, the worst cross-process delay
 *         during the outage, and the delay of the first cross-process write after Redis returns.
 * cut     one reader that disconnects for 10 s while records are written at `--rate`/s, then
 *         reconnects with `Last-Event-ID`: events missed after the resume (goal 0), duplicates.
 *
 * Delay is measured from the create request being sent (the record's `sentAt`) to the frame read.
 */
import net from "node:net"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Subprocess } from "bun"
import { runBounded } from "../bounded-run.ts"
import { freePort, startRedis, type RedisServer } from "../cluster/topology.ts"
import { rssBytes } from "../realtime/servers.ts"

const args = Object.fromEntries(Bun.argv.slice(2).map((a) => (/^--([^=]+)=(.*)$/.exec(a) ?? [a, a, ""]).slice(1)))
const ONLY = new Set((args.only ?? "stall,outage,cut").split(","))
const OUTAGES = (args.outages ?? "5,30").split(",").map(Number)
const CLIENTS = Number(args.clients ?? 50)
const RATE = Number(args.rate ?? 20)
const HARD_LIMIT_MS = 6 * 60_000
const ROOT = join(import.meta.dir, "..", "..")
const EMAIL = "faults@example.com"
const PASSWORD = "faults-password-1"

const live = new Set<{ stop(): Promise<void> | void }>()
const now = () => performance.timeOrigin + performance.now()

interface Server {
  url: string
  pid: number
  token: string
}

async function startServer(dir: string, flags: string[], createDir: boolean): Promise<Server> {
  if (createDir) Bun.spawnSync(["bun", "src/cli.ts", "superuser", "upsert", EMAIL, PASSWORD, `--dir=${dir}`], { cwd: ROOT })
  const port = freePort()
  const proc: Subprocess = Bun.spawn(["bun", "src/cli.ts", "serve", `--http=127.0.0.1:${port}`, `--dir=${dir}`, `--migrationsDir=${join(dir, "none")}`, ...flags], { cwd: ROOT, stdout: "ignore", stderr: "ignore" })
  live.add({ stop: () => void proc.kill("SIGKILL") })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  while (!(await fetch(`${url}/api/health`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline) throw new Error(`server on ${port} did not start`)
    await Bun.sleep(100)
  }
  const auth = await post(url, "/api/collections/_superusers/auth-with-password", { identity: EMAIL, password: PASSWORD })
  return { url, pid: proc.pid, token: auth.token }
}

async function post(url: string, path: string, body: unknown, token?: string): Promise<any> {
  const response = await fetch(`${url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: token } : {}) }, body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
  return response.status === 204 ? null : response.json()
}

const createPosts = (server: Server) =>
  post(server.url, "/api/collections", { name: "posts", listRule: "", viewRule: "", createRule: "", fields: [{ name: "sentAt", type: "number" }, { name: "body", type: "text", max: 100_000 }] }, server.token)

/** One SSE reader: frames parsed as they arrive; the last id kept for a resume. */
class Reader {
  readonly ids = new Map<string, number>()
  readonly delays: number[] = []
  /** Delay of each record's first frame. */
  readonly delayById = new Map<string, number>()
  lastId = ""
  resumes: Array<{ from: string; replayed: number; complete: boolean }> = []
  #abort = new AbortController()

  static async open(url: string, lastEventId?: string): Promise<Reader> {
    const reader = new Reader()
    await reader.#connect(url, lastEventId)
    return reader
  }

  async #connect(url: string, lastEventId?: string): Promise<void> {
    const headers: Record<string, string> = lastEventId ? { "Last-Event-ID": lastEventId } : {}
    const response = await fetch(`${url}/api/realtime`, { headers, signal: this.#abort.signal })
    const stream = response.body!.getReader()
    const decoder = new TextDecoder()
    let buffer = ""
    let clientId = ""
    const connected = new Promise<void>((resolve) => {
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await stream.read()
            if (done) return
            buffer += decoder.decode(value, { stream: true })
            let end: number
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              const frame = buffer.slice(0, end)
              buffer = buffer.slice(end + 2)
              const fields = Object.fromEntries(frame.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)]))
              if (fields.event === "PB_CONNECT") {
                clientId = fields.id ?? ""
                resolve()
              } else if (fields.event === "PB_RESUME") {
                this.resumes.push(JSON.parse(fields.data!))
              } else if (fields.event) {
                this.#onFrame(fields.id ?? "", JSON.parse(fields.data!))
              }
            }
          }
        } catch {
          // aborted
        }
      })()
    })
    await connected
    await post(url, "/api/realtime", { clientId, subscriptions: ["posts/*"] })
  }

  #onFrame(id: string, data: { record: { id: string; sentAt: number } }): void {
    this.lastId = id
    this.ids.set(data.record.id, (this.ids.get(data.record.id) ?? 0) + 1)
    const delay = now() - data.record.sentAt
    this.delays.push(delay)
    if (!this.delayById.has(data.record.id)) this.delayById.set(data.record.id, delay)
  }

  close(): void {
    this.#abort.abort()
  }
}

/** Creates records at `rate`/s for `ms` on the servers in turn; returns the ids created. */
async function write(servers: Server[], rate: number, ms: number, body = ""): Promise<Array<{ id: string; node: number; sentAt: number }>> {
  const created: Array<{ id: string; node: number; sentAt: number }> = []
  const start = now()
  for (let i = 0; now() - start < ms; i++) {
    const node = i % servers.length
    const sentAt = now()
    const record = await post(servers[node]!.url, "/api/collections/posts/records", { sentAt, body }, servers[node]!.token)
    created.push({ id: record.id, node, sentAt })
    const next = start + ((i + 1) * 1000) / rate
    if (next > now()) await Bun.sleep(next - now())
  }
  return created
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}
const ms = (value: number) => `${value.toFixed(1)}`
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "rtfaults-"))
  live.add({ stop: () => rmSync(dir, { recursive: true, force: true }) })
  return dir
}

function tally(readers: Reader[], created: Array<{ id: string }>) {
  let lost = 0
  let duplicates = 0
  for (const reader of readers) {
    for (const { id } of created) {
      const count = reader.ids.get(id) ?? 0
      if (count === 0) lost++
      else duplicates += count - 1
    }
  }
  return { lost, duplicates, expected: readers.length * created.length }
}

async function stall(): Promise<void> {
  const server = await startServer(freshDir(), ["--realtimeBuffer=65536"], true)
  await createPosts(server)
  const readers = await Promise.all(Array.from({ length: CLIENTS }, () => Reader.open(server.url)))
  // Large records fill the kernel socket buffers (several MB on loopback) within seconds.
  const body = "x".repeat(60_000)
  await write([server], RATE, 5000, body)
  await Bun.sleep(500)
  const baseline = percentile(readers.flatMap((r) => r.delays), 99)
  for (const r of readers) r.delays.length = 0
  const rssBefore = await rssBytes(server.pid)

  const { port } = new URL(server.url)
  const socket = net.createConnection({ host: "127.0.0.1", port: Number(port) })
  let text = ""
  let closedAt = 0
  socket.setEncoding("utf8")
  socket.on("data", (chunk) => (text += chunk))
  for (const name of ["end", "close", "error"]) socket.on(name, () => (closedAt ||= now()))
  socket.write(`GET /api/realtime HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
  while (!/id:(\w{40})\n/.test(text)) await Bun.sleep(10)
  socket.pause()
  const stalledAt = now()
  await post(server.url, "/api/realtime", { clientId: /id:(\w{40})\n/.exec(text)![1], subscriptions: ["posts/*"] })
  await write([server], RATE, 5000, body)
  await Bun.sleep(500)
  const withStall = percentile(readers.flatMap((r) => r.delays), 99)
  const rssAfter = await rssBytes(server.pid)
  socket.destroy()
  for (const r of readers) r.close()
  console.log(`\n| stalled reader (${CLIENTS} readers, ${RATE}/s, 60 KB records, 64 KiB buffer) | others' p99 ms without / with | ratio | server RSS MB before / after | stalled socket closed after |`)
  console.log(`|---|---|---|---|---|`)
  console.log(`| pocketbun | ${ms(baseline)} / ${ms(withStall)} | ${(withStall / baseline).toFixed(2)}x | ${(rssBefore / 2 ** 20).toFixed(1)} / ${(rssAfter / 2 ** 20).toFixed(1)} | ${closedAt ? `${ms((closedAt - stalledAt) / 1000)} s` : "never (5 s)"} |`)
}

async function outage(seconds: number): Promise<void> {
  const dir = freshDir()
  const redis: RedisServer = await startRedis()
  live.add(redis)
  const flags = [`--realtimeBroker=redis://127.0.0.1:${redis.port}`]
  const servers = [await startServer(dir, flags, true), await startServer(dir, flags, false)]
  await createPosts(servers[0]!)
  await Bun.sleep(300)
  const half = Math.max(1, Math.floor(CLIENTS / 2))
  const readers = [
    ...(await Promise.all(Array.from({ length: half }, () => Reader.open(servers[0]!.url)))),
    ...(await Promise.all(Array.from({ length: half }, () => Reader.open(servers[1]!.url)))),
  ]
  const onNode = (reader: Reader) => (readers.indexOf(reader) < half ? 0 : 1)
  const before = await write(servers, RATE, 2000)
  await redis.stop()
  live.delete(redis)
  const during = await write(servers, RATE, seconds * 1000)
  const restarted = await startRedisOn(redis.port)
  const returnedAt = now()
  // The first cross-process write after the return: written on process 2, read on process 1.
  const probe = await post(servers[1]!.url, "/api/collections/posts/records", { sentAt: now() }, servers[1]!.token)
  while (!readers[0]!.ids.has(probe.id) && now() - returnedAt < 10_000) await Bun.sleep(5)
  const resumeMs = now() - returnedAt
  const after = await write(servers, RATE, 3000)
  await Bun.sleep(1500)
  const created = [...before, ...during, { id: probe.id, node: 1, sentAt: 0 }, ...after]
  const { lost, duplicates, expected } = tally(readers, created)
  // Delays of events written during the outage: on the reader's own process, and on the other one.
  const local: number[] = []
  const cross: number[] = []
  for (const reader of readers) {
    for (const c of during) {
      const delay = reader.delayById.get(c.id)
      if (delay !== undefined) (c.node === onNode(reader) ? local : cross).push(delay)
    }
  }
  for (const r of readers) r.close()
  await restarted.stop()
  console.log(`| ${seconds} s Redis outage, 2 processes, ${readers.length} readers, ${RATE}/s | ${created.length} | ${expected} | ${lost} | ${duplicates} | ${ms(resumeMs)} | ${ms(percentile(local, 99))} | ${ms(percentile(cross, 99))} / ${ms(Math.max(...cross))} |`)
}

/** Starts redis-server again on the same port (the processes reconnect to it). */
async function startRedisOn(port: number): Promise<{ stop(): Promise<void> }> {
  const proc = Bun.spawn(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdout: "ignore", stderr: "ignore" })
  const handle = { stop: async () => void proc.kill("SIGKILL") }
  live.add(handle)
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const up = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then((s) => (s.end(), true), () => false)
    if (up) break
    await Bun.sleep(20)
  }
  return handle
}

async function cut(): Promise<void> {
  const server = await startServer(freshDir(), [], true)
  await createPosts(server)
  const reader = await Reader.open(server.url)
  const writing = write([server], RATE, 14_000)
  await Bun.sleep(2000)
  reader.close()
  const cursor = reader.lastId
  await Bun.sleep(10_000)
  const resumed = await Reader.open(server.url, cursor)
  const created = await writing
  await Bun.sleep(1000)
  resumed.close()
  let missed = 0
  let duplicates = 0
  for (const { id } of created) {
    const count = (reader.ids.get(id) ?? 0) + (resumed.ids.get(id) ?? 0)
    if (count === 0) missed++
    duplicates += Math.max(0, count - 1)
  }
  const report = resumed.resumes[0]
  console.log(`\n| client cut 10 s, ${RATE}/s | records | replayed | complete | missed after resume | duplicates |`)
  console.log(`|---|---|---|---|---|---|`)
  console.log(`| pocketbun | ${created.length} | ${report?.replayed ?? "-"} | ${report?.complete ?? "-"} | ${missed} | ${duplicates} |`)
}

runBounded(async () => {
  console.log(`load: ${(await Bun.$`uptime`.text()).trim()}`)
  if (ONLY.has("stall")) await stall()
  if (ONLY.has("outage")) {
    console.log(`\n| Redis outage | records | frames expected | lost | duplicates | first cross-process event after return, ms | during: own-process delay p99 ms | during: cross-process delay p99 / max ms |`)
    console.log(`|---|---|---|---|---|---|---|---|`)
    for (const seconds of OUTAGES) await outage(seconds)
  }
  if (ONLY.has("cut")) await cut()
  console.log(`\nload: ${(await Bun.$`uptime`.text()).trim()}`)
}, live, HARD_LIMIT_MS)
