/**
 * @module
 * Realtime benchmark (issue 5): rows (a)–(d) against pocketbun, the reference PocketBase and a bare
 * Bun SSE ceiling, in one run, loopback only, bounded in count and time.
 *
 *   bun bench/realtime/run.ts [--clients=10000] [--idle=15000] [--only=a,b,c] [--targets=pocketbun,pocketbase,ceiling]
 *                             [--rate=10] [--seconds=10] [--maxSeconds=10] [--concurrency=4]
 *
 * (a) `--idle` idle SSE clients: server RSS per client (VmRSS before/after connecting).
 * (b) `--clients` clients on `posts/*`, records at `--rate`/s for `--seconds`, then as fast as
 *     `--concurrency` creators manage for `--maxSeconds`: delivered frames/s, latency p50/p99.
 * (c) as (b) with `listRule = owner = @request.auth.id`, clients split between two users, records
 *     alternating owners (each reaches half the clients), and 20 distinct (always-true)
 *     subscription filters; frames reaching a client whose user does not own the record are counted.
 * (d) the ceiling (`ceiling.ts`) runs rows (a) and (b) as a third target.
 * (w) the write path: records at `--rate`/s for `--seconds` with 10 subscribers on `posts/*`,
 *     then with `--clients`, then as fast as possible with `--clients`: the create request's own
 *     HTTP latency p50/p99 (the writer's wait), delivered frames/s, and whether every client got
 *     every frame in the same order (frames got / expected, out-of-order frames, order variants).
 *
 * Latency is client-side: the creator puts `sentAt` (epoch ms, sub-ms precision) in each record
 * just before its create request, and the generator subtracts it from the frame's arrival time.
 * So it spans the create request, the commit, the fan-out and the socket write.
 */
import { runBounded } from "../bounded-run.ts"
import type { SubscribePlan } from "./clients.ts"
import { drain as drainFrames, Generator, now, selfCpu, waitQuiet as waitQuietFor } from "./generator.ts"
import { cpuSeconds, machineCpu, rssBytes, setUp, startTarget, type Fixture, type RunningTarget, type Target } from "./servers.ts"

const args = Object.fromEntries(
  Bun.argv.slice(2).map((a) => {
    const m = /^--([^=]+)=(.*)$/.exec(a)
    if (!m) throw new Error(`bad argument ${a}`)
    return [m[1]!, m[2]!]
  }),
)
const CLIENTS = Number(args.clients ?? 10_000)
const IDLE = Number(args.idle ?? (args.clients ? Math.round(CLIENTS * 1.5) : 15_000))
const ONLY = new Set((args.only ?? "a,b,c").split(","))
const TARGETS = (args.targets ?? "pocketbun,pocketbase,ceiling").split(",") as Target[]
const RATE = Number(args.rate ?? 10)
const SECONDS = Number(args.seconds ?? 10)
const MAX_SECONDS = Number(args.maxSeconds ?? 10)
const CONCURRENCY = Number(args.concurrency ?? 4)
/** Each fan-out row runs its targets in rotation this many times; the table keeps each target's quietest run. */
const REPEAT = Number(args.repeat ?? 1)
const QUIET_WAIT_S = Number(args.quietWait ?? 30)
/** The whole run is bounded: past this everything started is killed. */
const HARD_LIMIT_MS = Number(args.limit ?? 25 * 60_000)

const live = new Set<{ stop(): Promise<void> | void }>()

interface Started {
  running: RunningTarget
  gen: Generator
  fixture: Fixture
}

let nextPort = 18090 + Math.floor(Math.random() * 500) * 10

async function start(target: Target, listRule: string, users: number): Promise<Started> {
  const running = await startTarget(target, nextPort++)
  live.add(running)
  const fixture = await setUp(running, { listRule, users })
  const gen = new Generator()
  live.add(gen)
  await gen.ready
  return { running, gen, fixture }
}

async function finish(s: Started): Promise<void> {
  await s.gen.call({ cmd: "close" })
  await s.gen.stop()
  live.delete(s.gen)
  await s.running.stop()
  live.delete(s.running)
  // Let the kernel settle the closed sockets before the next target.
  await Bun.sleep(1_000)
}

async function connect(s: Started, count: number): Promise<{ connected: number; failed: number; ms: number }> {
  const r = await s.gen.call<{ connected: number; failed: number; ms: number }>({ cmd: "connect", port: s.running.port, count })
  console.log(`  ${s.running.target}: ${r.connected} connected, ${r.failed} failed in ${(r.ms / 1000).toFixed(1)} s`)
  return r
}

// ---------------------------------------------------------------- row (a)

interface IdleResult {
  target: Target
  connected: number
  rssBefore: number
  rssAfter: number
  perClient: number
}

async function rowA(target: Target): Promise<IdleResult> {
  const s = await start(target, "", 0)
  try {
    await Bun.sleep(1_000)
    const rssBefore = await rssBytes(s.running.pid)
    const { connected } = await connect(s, IDLE)
    await Bun.sleep(3_000)
    const rssAfter = await rssBytes(s.running.pid)
    return { target, connected, rssBefore, rssAfter, perClient: (rssAfter - rssBefore) / Math.max(1, connected) }
  } finally {
    await finish(s)
  }
}

// ---------------------------------------------------------------- rows (b), (c)

interface PhaseResult {
  created: number
  createdPerSec: number
  expected: number
  frames: number
  deliveredPerSec: number
  p50: number
  p99: number
  max: number
  excluded: number
  closedEarly: number
  /** Share of one core used over the phase (record creation to the last frame). */
  serverCpu: number
  generatorCpu: number
  /** Cores busy with everything else on the machine (other users' processes, kernel work not charged to ours). */
  otherCpu: number
  /** The create requests' own latency (request sent to response read), ms. */
  httpP50: number
  httpP99: number
  /** Frames older than the one before on the same client, and distinct arrival orders among clients (1: all alike). */
  backwards: number
  orderVariants: number
}

interface FanoutResult {
  target: Target
  connected: number
  subscribed: number
  rssLoaded: number
  fixed: PhaseResult
  max: PhaseResult
}

/** Creates records: at `rate`/s for `seconds`, or (rate 0) as fast as `concurrency` in-flight requests allow. */
async function createRecords(s: Started, owners: string[], rate: number, seconds: number): Promise<{ created: number; ms: number; http: number[] }> {
  const url = `${s.running.baseUrl}/api/collections/posts/records`
  const headers = { "Content-Type": "application/json", Authorization: s.fixture.superuserToken }
  let created = 0
  let k = 0
  const http: number[] = []
  const one = async () => {
    const owner = owners.length ? owners[k++ % owners.length]! : ""
    const sentAt = now()
    const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ title: "bench", sentAt, owner }) })
    await res.arrayBuffer()
    http.push(now() - sentAt)
    if (res.ok) created++
  }
  const started = performance.now()
  const deadline = started + seconds * 1000
  if (rate > 0) {
    const total = Math.round(rate * seconds)
    const inflight: Promise<void>[] = []
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate
      const wait = due - performance.now()
      if (wait > 0) await Bun.sleep(wait)
      inflight.push(one())
    }
    await Promise.all(inflight)
  } else {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < deadline) await one()
      }),
    )
  }
  return { created, ms: performance.now() - started, http }
}

function percentileOf(values: number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!
}

const waitQuiet = () => waitQuietFor(QUIET_WAIT_S)
const drain = (s: Started, expected: number) => drainFrames(s.gen, expected)

async function phase(s: Started, owners: string[], perRecord: number, rate: number, seconds: number): Promise<PhaseResult> {
  await waitQuiet()
  await s.gen.call({ cmd: "reset" })
  const machineBefore = await machineCpu()
  const selfBefore = selfCpu()
  const cpuBefore = await cpuSeconds(s.running.pid)
  const startedAt = now()
  const { created, ms, http } = await createRecords(s, owners, rate, seconds)
  const expected = created * perRecord
  const r = await drain(s, expected)
  const cpuAfter = await cpuSeconds(s.running.pid)
  const machineAfter = await machineCpu()
  const spanMs = Math.max(ms, r.lastFrameAt - startedAt)
  // The drain poll runs past the last frame; CPU shares use the time until the check.
  const wallS = (now() - startedAt) / 1000
  return {
    created,
    createdPerSec: created / (ms / 1000),
    expected,
    frames: r.frames,
    deliveredPerSec: r.frames / (spanMs / 1000),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    excluded: r.excluded,
    closedEarly: r.closedEarly,
    serverCpu: (cpuAfter - cpuBefore) / wallS,
    generatorCpu: r.cpu / wallS,
    otherCpu: (machineAfter.busy - machineBefore.busy - (cpuAfter - cpuBefore) - r.cpu - (selfCpu() - selfBefore)) / wallS,
    httpP50: percentileOf(http, 0.5),
    httpP99: percentileOf(http, 0.99),
    backwards: r.backwards,
    orderVariants: r.orderVariants,
  }
}

const FILTERS = Array.from({ length: 20 }, (_, k) => `posts/*?options=${encodeURIComponent(JSON.stringify({ query: { filter: `title != "skip${k}"` } }))}`)

async function rowFanout(target: Target, withRule: boolean): Promise<FanoutResult> {
  const s = await start(target, withRule ? "owner = @request.auth.id" : "", withRule ? 2 : 0)
  try {
    const { connected } = await connect(s, CLIENTS)
    let subscribed = connected
    if (target !== "ceiling") {
      const plan: SubscribePlan = withRule ? { topics: FILTERS, users: s.fixture.users } : { topics: ["posts/*"], users: [] }
      const sub = await s.gen.call<{ ok: number; failed: number; firstError: string; ms: number }>({
        cmd: "subscribe",
        baseUrl: s.running.baseUrl,
        plan,
      })
      subscribed = sub.ok
      console.log(`  ${target}: ${sub.ok} subscribed, ${sub.failed} failed in ${(sub.ms / 1000).toFixed(1)} s ${sub.firstError}`)
    }
    const owners = withRule ? s.fixture.users.map((u) => u.id) : []
    const perRecord = withRule ? Math.floor(subscribed / 2) : subscribed
    // One warm-up record so first-use costs (JIT, statement cache) stay out of the figures.
    await phase(s, owners.slice(0, 1), withRule ? perRecord : perRecord, 1, 1)
    const fixed = await phase(s, owners, perRecord, RATE, SECONDS)
    console.log(`  ${target} fixed: ${fmtPhase(fixed)}`)
    const max = await phase(s, owners, perRecord, 0, MAX_SECONDS)
    console.log(`  ${target} max:   ${fmtPhase(max)}`)
    const rssLoaded = await rssBytes(s.running.pid)
    return { target, connected, subscribed, rssLoaded, fixed, max }
  } finally {
    await finish(s)
  }
}

// ---------------------------------------------------------------- row (w)

interface WriteResult {
  target: Target
  few: PhaseResult
  many: PhaseResult
  max: PhaseResult
  subscribed: number
}

const FEW = 10

async function subscribeAllTo(s: Started, topic: string): Promise<number> {
  const sub = await s.gen.call<{ ok: number; failed: number; firstError: string; ms: number }>({ cmd: "subscribe", baseUrl: s.running.baseUrl, plan: { topics: [topic], users: [] } })
  console.log(`  ${s.running.target}: ${sub.ok} subscribed, ${sub.failed} failed in ${(sub.ms / 1000).toFixed(1)} s ${sub.firstError}`)
  return sub.ok
}

async function rowWrite(target: Target): Promise<WriteResult> {
  const s = await start(target, "", 0)
  try {
    await connect(s, FEW)
    let subscribed = await subscribeAllTo(s, "posts/*")
    await phase(s, [], subscribed, 1, 1)
    const few = await phase(s, [], subscribed, RATE, SECONDS)
    console.log(`  ${target} ${FEW} subscribers: ${fmtPhase(few)}`)
    await connect(s, CLIENTS - FEW)
    subscribed = await subscribeAllTo(s, "posts/*")
    await phase(s, [], subscribed, 1, 1)
    const many = await phase(s, [], subscribed, RATE, SECONDS)
    console.log(`  ${target} ${subscribed} subscribers: ${fmtPhase(many)}`)
    const max = await phase(s, [], subscribed, 0, MAX_SECONDS)
    console.log(`  ${target} ${subscribed} subscribers, max: ${fmtPhase(max)}`)
    return { target, few, many, max, subscribed }
  } finally {
    await finish(s)
  }
}

function printWrite(results: WriteResult[]): string {
  const row = (name: string, p: PhaseResult) =>
    `| ${name} | ${p.created} (${p.createdPerSec.toFixed(1)}/s) | ${ms(p.httpP50)} | ${ms(p.httpP99)} | ${k(p.frames)} / ${k(p.expected)} | ${k(p.deliveredPerSec)} | ${ms(p.p50)} | ${ms(p.p99)} | ${p.backwards} / ${p.orderVariants} | ${p.serverCpu.toFixed(2)} / ${p.generatorCpu.toFixed(2)} / ${p.otherCpu.toFixed(2)} |`
  const lines = [
    "| (w) write path | records | create HTTP p50 ms | create HTTP p99 ms | frames got / expected | frames/s | delivery p50 ms | delivery p99 ms | out of order / order variants | cores server / generator / other |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ]
  for (const r of results) {
    lines.push(row(`${r.target}, ${FEW} subscribers, ${RATE}/s`, r.few))
    lines.push(row(`${r.target}, ${k(r.subscribed)} subscribers, ${RATE}/s`, r.many))
    lines.push(row(`${r.target}, ${k(r.subscribed)} subscribers, flat out`, r.max))
  }
  return lines.join("\n")
}

// ---------------------------------------------------------------- output

const kb = (n: number) => (n / 1024).toFixed(1)
const mb = (n: number) => (n / 1024 / 1024).toFixed(0)
const k = (n: number) => Math.round(n).toLocaleString("en-US")
const ms = (n: number) => n.toFixed(1)
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? "–" : `${(a / b).toFixed(2)}×`)

function fmtPhase(p: PhaseResult): string {
  return `${p.created} records (${p.createdPerSec.toFixed(1)}/s), ${k(p.frames)}/${k(p.expected)} frames, ${k(p.deliveredPerSec)} frames/s, p50 ${ms(p.p50)} ms, p99 ${ms(p.p99)} ms, max ${ms(p.max)} ms, excluded ${p.excluded}, dropped ${p.closedEarly}, cores: server ${p.serverCpu.toFixed(2)}, generator ${p.generatorCpu.toFixed(2)}, others ${p.otherCpu.toFixed(2)}`
}

function printIdle(results: IdleResult[]): string {
  const by = Object.fromEntries(results.map((r) => [r.target, r]))
  const lines = [
    "| (a) idle clients | clients | RSS before | RSS after | per client |",
    "|---|---|---|---|---|",
    ...results.map((r) => `| ${r.target} | ${k(r.connected)} | ${mb(r.rssBefore)} MB | ${mb(r.rssAfter)} MB | ${kb(r.perClient)} KB |`),
    `| pocketbun / pocketbase | | | | ${ratio(by.pocketbun?.perClient, by.pocketbase?.perClient)} |`,
  ]
  return lines.join("\n")
}

/** Each target's run with the least CPU used by others during its max phase (the least disturbed one). */
function quietest(runs: FanoutResult[]): FanoutResult[] {
  const best = new Map<Target, FanoutResult>()
  for (const r of runs) {
    const b = best.get(r.target)
    if (!b || r.max.otherCpu < b.max.otherCpu) best.set(r.target, r)
  }
  return [...best.values()]
}

function printFanout(title: string, runs: FanoutResult[]): string {
  const results = quietest(runs)
  const by = Object.fromEntries(results.map((r) => [r.target, r]))
  const row = (r: FanoutResult, p: PhaseResult) =>
    `| ${r.target} | ${k(r.subscribed)} | ${p.created} (${p.createdPerSec.toFixed(1)}/s) | ${k(p.frames)} / ${k(p.expected)} | ${k(p.deliveredPerSec)} | ${ms(p.p50)} | ${ms(p.p99)} | ${p.excluded} | ${p.closedEarly} | ${p.serverCpu.toFixed(2)} / ${p.generatorCpu.toFixed(2)} / ${p.otherCpu.toFixed(2)} |`
  const lines: string[] = []
  for (const [name, pick] of [
    [`fixed ${RATE}/s for ${SECONDS} s`, (r: FanoutResult) => r.fixed],
    [`as fast as possible for ${MAX_SECONDS} s`, (r: FanoutResult) => r.max],
  ] as const) {
    lines.push(
      `| ${title}, ${name} | clients | records | frames got / expected | frames/s | p50 ms | p99 ms | excluded | dropped | cores server / generator / other |`,
      "|---|---|---|---|---|---|---|---|---|---|",
    )
    for (const r of results) lines.push(row(r, pick(r)))
    const a = by.pocketbun && pick(by.pocketbun)
    const b = by.pocketbase && pick(by.pocketbase)
    const c = by.ceiling && pick(by.ceiling)
    if (a && b) lines.push(`| pocketbun / pocketbase | | | | ${ratio(a.deliveredPerSec, b.deliveredPerSec)} | ${ratio(a.p50, b.p50)} | ${ratio(a.p99, b.p99)} | | |`)
    if (a && c) lines.push(`| pocketbun / ceiling | | | | ${ratio(a.deliveredPerSec, c.deliveredPerSec)} | | | | |`)
    lines.push("")
  }
  return lines.join("\n")
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const cores = navigator.hardwareConcurrency
  console.log(`realtime bench: ${new Date().toISOString()}, ${cores} cores, Bun ${Bun.version}, clients ${CLIENTS}, idle ${IDLE}`)
  const out: string[] = []
  if (ONLY.has("a")) {
    console.log(`row (a): ${IDLE} idle clients`)
    const results: IdleResult[] = []
    for (const t of TARGETS) results.push(await rowA(t))
    out.push(printIdle(results))
  }
  if (ONLY.has("w")) {
    console.log(`row (w): write path, ${FEW} then ${CLIENTS} subscribers`)
    const results: WriteResult[] = []
    for (const t of TARGETS.filter((t) => t !== "ceiling")) results.push(await rowWrite(t))
    out.push(printWrite(results))
  }
  if (ONLY.has("b")) {
    console.log(`row (b): ${CLIENTS} clients on posts/*`)
    const results: FanoutResult[] = []
    for (let i = 0; i < REPEAT; i++) for (const t of TARGETS) results.push(await rowFanout(t, false))
    out.push(printFanout("(b) posts/*", results))
  }
  if (ONLY.has("c")) {
    console.log(`row (c): ${CLIENTS} clients, owner rule (half each), 20 filters`)
    const results: FanoutResult[] = []
    for (let i = 0; i < REPEAT; i++) for (const t of TARGETS.filter((t) => t !== "ceiling")) results.push(await rowFanout(t, true))
    out.push(printFanout("(c) rule + 20 filters", results))
  }
  console.log("\n" + out.join("\n\n"))
}

runBounded(main, live, HARD_LIMIT_MS)
