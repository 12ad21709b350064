/**
 * @module
 * Cluster benchmark (issue 6): one pocketbun process against two processes sharing one port and
 * one data directory, joined by the unix socket hub (default) or a private Redis (`--broker=redis`),
 * on the same cores, loopback only, bounded in count and time; everything started is killed at the end.
 *
 *   bun bench/cluster/run.ts [--clients=4000] [--rate=20,40] [--seconds=10] [--maxSeconds=10]
 *                            [--concurrency=4] [--only=1,2,3] [--repeat=1] [--quietWait=15] [--broker=hub|redis]
 *
 * Topologies:
 * 1. `serve --workers=1` — one process.
 * 2. `serve --workers=2` (with `--realtimeBroker=redis://…` for `--broker=redis`) — records created through one process only.
 * 3. the same, records created through both processes (half the creators pinned to each).
 *
 * `--clients` SSE clients (the raw-socket generator of `bench/realtime/clients.ts`) subscribe to
 * `posts/*` (listRule ""); the kernel spreads their connections over the processes, and
 * `/api/realtime/stats` tells the split. Records are created at each `--rate`/s for `--seconds`, then
 * by `--concurrency` closed-loop creators for `--maxSeconds`. Creators use pinned keep-alive
 * connections (`pinned-http.ts`) whose process is known, so "through one / both" is exact.
 * Latency is client-side, as in the realtime benchmark: `sentAt` is set just before each create
 * request, so it spans the request, the commit, the Redis hop (for the other process's clients),
 * the fan-out and the socket write.
 */
import { runBounded } from "../bounded-run.ts"
import type { SubscribePlan } from "../realtime/clients.ts"
import { drain, Generator, now, selfCpu, waitQuiet } from "../realtime/generator.ts"
import { cpuSeconds, machineCpu, setUp, type Fixture } from "../realtime/servers.ts"
import { PinnedConnection } from "./pinned-http.ts"
import { clusterStats, deploy, freePort, irqSeconds, nodeOf, nodePid, type Deployment, type NodeStats } from "./topology.ts"

const args = Object.fromEntries(
  Bun.argv.slice(2).map((a) => {
    const m = /^--([^=]+)=(.*)$/.exec(a)
    if (!m) throw new Error(`bad argument ${a}`)
    return [m[1]!, m[2]!]
  }),
)
const CLIENTS = Number(args.clients ?? 4_000)
/** Fixed creation rates, records/s, one phase each (`--rate=20,40`). */
const RATES = (args.rate ?? "20,40").split(",").map(Number)
const SECONDS = Number(args.seconds ?? 10)
const MAX_SECONDS = Number(args.maxSeconds ?? 10)
const CONCURRENCY = Number(args.concurrency ?? 4)
const ONLY = (args.only ?? "1,2,3").split(",").map(Number) as TopologyId[]
/** Each topology runs this many times in rotation; the table keeps each one's quietest run. */
const REPEAT = Number(args.repeat ?? 1)
const QUIET_WAIT_S = Number(args.quietWait ?? 15)
const BROKER = (args.broker ?? "hub") as "hub" | "redis"
/** The whole run is bounded: past this everything started is killed. */
const HARD_LIMIT_MS = Number(args.limit ?? 15 * 60_000)

type TopologyId = 1 | 2 | 3
const TOPOLOGIES: Record<TopologyId, { name: string; workers: number; writers: "one" | "both" }> = {
  1: { name: "1 process", workers: 1, writers: "one" },
  2: { name: "2 processes, writes via one", workers: 2, writers: "one" },
  3: { name: "2 processes, writes via both", workers: 2, writers: "both" },
}

const live = new Set<{ stop(): Promise<void> | void }>()

// ---------------------------------------------------------------- set-up

interface Started {
  id: TopologyId
  deployment: Deployment
  fixture: Fixture
  gen: Generator
  /** Node ids in a fixed order (the first is the writer in topology 2). */
  nodes: string[]
  /** Creator connections, each pinned to a known node (re-opened before each phase). */
  creators: Array<{ node: string; connection: PinnedConnection }>
}

/** Waits until `count` processes have registered with each other (each answers for all). */
async function waitForNodes(baseUrl: string, token: string, count: number): Promise<NodeStats[]> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const nodes = await clusterStats(baseUrl, token)
    if (nodes.length >= count) return nodes
    if (Date.now() > deadline) throw new Error(`only ${nodes.length} of ${count} processes came up`)
    await Bun.sleep(250)
  }
}

/**
 * Opens keep-alive connections until each wanted node holds its share of creators; with
 * SO_REUSEPORT the kernel picks the process per connection, so extra ones are closed.
 */
async function pinCreators(port: number, token: string, wanted: Map<string, number>): Promise<Started["creators"]> {
  const creators: Started["creators"] = []
  for (let attempt = 0; attempt < 200 && [...wanted.values()].some((n) => n > 0); attempt++) {
    const connection = await PinnedConnection.open(port)
    const node = await nodeOf(connection, token)
    const left = wanted.get(node) ?? 0
    if (left > 0) {
      wanted.set(node, left - 1)
      creators.push({ node, connection })
    } else connection.close()
  }
  if ([...wanted.values()].some((n) => n > 0)) throw new Error("could not pin creator connections to every process")
  // Interleave nodes so round-robin creation alternates processes.
  const rank = new Map(creators.map((c) => [c, creators.filter((d) => d.node === c.node).indexOf(c)]))
  return creators.sort((a, b) => rank.get(a)! - rank.get(b)!)
}

async function start(id: TopologyId): Promise<Started> {
  const topology = TOPOLOGIES[id]
  const deployment = await deploy(topology.workers, freePort(), BROKER)
  live.add(deployment)
  const { baseUrl } = deployment.server
  const fixture = await setUp(deployment.server, { listRule: "", users: 0 })
  const token = fixture.superuserToken
  const nodes = (await waitForNodes(baseUrl, token, topology.workers)).map((n) => n.node).sort()
  // The other process re-reads its collections on the schema event; give it a moment.
  await Bun.sleep(500)
  const gen = new Generator()
  live.add(gen)
  await gen.ready
  const s: Started = { id, deployment, fixture, gen, nodes, creators: [] }
  await repin(s)
  return s
}

/**
 * (Re)opens the creator connections: all on the first process, or shared between both. Done
 * before every phase, as the server closes keep-alive connections idle for 10 s.
 */
async function repin(s: Started): Promise<void> {
  for (const c of s.creators) c.connection.close()
  const wanted = new Map<string, number>()
  if (TOPOLOGIES[s.id].writers === "one") wanted.set(s.nodes[0]!, CONCURRENCY)
  else s.nodes.forEach((node, i) => wanted.set(node, Math.floor(CONCURRENCY / s.nodes.length) + (i < CONCURRENCY % s.nodes.length ? 1 : 0)))
  s.creators = await pinCreators(s.deployment.server.port, s.fixture.superuserToken, wanted)
}

async function finish(s: Started): Promise<void> {
  for (const c of s.creators) c.connection.close()
  await s.gen.call({ cmd: "close" })
  await s.gen.stop()
  live.delete(s.gen)
  await s.deployment.stop()
  live.delete(s.deployment)
  await Bun.sleep(1_000)
}

// ---------------------------------------------------------------- phases

interface PhaseResult {
  created: number
  createdPerSec: number
  expected: number
  frames: number
  deliveredPerSec: number
  p50: number
  p99: number
  max: number
  dropped: number
  /** Cores used over the phase, per server process (in `nodes` order). */
  serverCpu: number[]
  redisCpu: number
  generatorCpu: number
  /** The orchestrator: creating records over REST. */
  creatorCpu: number
  /** Interrupt and softirq time (loopback delivery); already counted in the processes it interrupted. */
  irqCpu: number
  /** Everything else on the machine (other sessions' processes, kernel threads). */
  otherCpu: number
  /** Frames each process wrote during the phase (from its counters). */
  framesOut: number[]
}

/** Creates records: at `rate`/s round-robin over the creators, or (rate 0) closed-loop on each. */
async function createRecords(s: Started, rate: number, seconds: number): Promise<{ created: number; ms: number }> {
  const headers = { "Content-Type": "application/json", Authorization: s.fixture.superuserToken }
  let created = 0
  let failed = 0
  const one = async (connection: PinnedConnection) => {
    const body = JSON.stringify({ title: "bench", sentAt: now(), owner: "" })
    const res = await connection.request("POST", "/api/collections/posts/records", headers, body).catch(() => null)
    if (res?.status === 200) created++
    else failed++
  }
  const started = performance.now()
  const deadline = started + seconds * 1000
  if (rate > 0) {
    const total = Math.round(rate * seconds)
    const inflight: Promise<void>[] = []
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / rate - performance.now()
      if (wait > 0) await Bun.sleep(wait)
      inflight.push(one(s.creators[i % s.creators.length]!.connection))
    }
    await Promise.all(inflight)
  } else {
    await Promise.all(
      s.creators.map(async ({ connection }) => {
        // A creator whose connection failed stops (its failure is reported) rather than spin.
        let before = failed
        while (performance.now() < deadline && failed === before) {
          before = failed
          await one(connection)
        }
      }),
    )
  }
  if (failed) console.log(`  ${failed} create requests failed`)
  return { created, ms: performance.now() - started }
}

async function processCpu(s: Started): Promise<{ servers: number[]; supervisor: number; redis: number }> {
  const servers = await Promise.all(s.nodes.map((node) => cpuSeconds(nodePid(node))))
  const supervisorPid = s.deployment.server.pid
  const supervisor = s.nodes.some((node) => nodePid(node) === supervisorPid) ? 0 : await cpuSeconds(supervisorPid)
  const redis = s.deployment.redis ? await cpuSeconds(s.deployment.redis.pid) : 0
  return { servers, supervisor, redis }
}

async function framesOutByNode(s: Started): Promise<number[]> {
  const stats = await clusterStats(s.deployment.server.baseUrl, s.fixture.superuserToken)
  return s.nodes.map((node) => stats.find((n) => n.node === node)?.framesOut ?? NaN)
}

async function phase(s: Started, perRecord: number, rate: number, seconds: number): Promise<PhaseResult> {
  await waitQuiet(QUIET_WAIT_S)
  await repin(s)
  await s.gen.call({ cmd: "reset" })
  const framesBefore = await framesOutByNode(s)
  const machineBefore = await machineCpu()
  const irqBefore = await irqSeconds()
  const selfBefore = selfCpu()
  const cpuBefore = await processCpu(s)
  const startedAt = now()
  const { created, ms } = await createRecords(s, rate, seconds)
  const expected = created * perRecord
  const r = await drain(s.gen, expected)
  const cpuAfter = await processCpu(s)
  const wallS = (now() - startedAt) / 1000
  const machineAfter = await machineCpu()
  const irqCpu = ((await irqSeconds()) - irqBefore) / wallS
  const self = selfCpu() - selfBefore
  const framesAfter = await framesOutByNode(s)
  const serverCpu = cpuAfter.servers.map((c, i) => (c - cpuBefore.servers[i]!) / wallS)
  const supervisorCpu = (cpuAfter.supervisor - cpuBefore.supervisor) / wallS
  const redisCpu = (cpuAfter.redis - cpuBefore.redis) / wallS
  const generatorCpu = r.cpu / wallS
  const creatorCpu = self / wallS
  const machine = (machineAfter.busy - machineBefore.busy) / wallS
  const spanMs = Math.max(ms, r.lastFrameAt - startedAt)
  return {
    created,
    createdPerSec: created / (ms / 1000),
    expected,
    frames: r.frames,
    deliveredPerSec: r.frames / (spanMs / 1000),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    dropped: r.closedEarly,
    serverCpu,
    redisCpu,
    generatorCpu,
    creatorCpu,
    irqCpu,
    otherCpu: machine - serverCpu.reduce((a, b) => a + b, 0) - supervisorCpu - redisCpu - generatorCpu - creatorCpu,
    framesOut: framesAfter.map((f, i) => f - framesBefore[i]!),
  }
}

interface TopologyResult {
  id: TopologyId
  connected: number
  subscribed: number
  /** Clients per process after subscribing, in `nodes` order. */
  split: number[]
  writers: number[]
  /** One per `--rate`. */
  fixed: PhaseResult[]
  max: PhaseResult
}

async function runTopology(id: TopologyId): Promise<TopologyResult> {
  const s = await start(id)
  const name = TOPOLOGIES[id].name
  try {
    const { baseUrl, port } = s.deployment.server
    const c = await s.gen.call<{ connected: number; failed: number; ms: number }>({ cmd: "connect", port, count: CLIENTS })
    console.log(`  ${name}: ${c.connected} connected, ${c.failed} failed in ${(c.ms / 1000).toFixed(1)} s`)
    const plan: SubscribePlan = { topics: ["posts/*"], users: [] }
    const sub = await s.gen.call<{ ok: number; failed: number; firstError: string; ms: number }>({ cmd: "subscribe", baseUrl, plan })
    console.log(`  ${name}: ${sub.ok} subscribed, ${sub.failed} failed in ${(sub.ms / 1000).toFixed(1)} s ${sub.firstError}`)
    const stats = await clusterStats(baseUrl, s.fixture.superuserToken)
    const split = s.nodes.map((node) => stats.find((n) => n.node === node)?.clients ?? 0)
    const writers = s.nodes.map((node) => s.creators.filter((c) => c.node === node).length)
    console.log(`  ${name}: clients per process ${split.join(" / ")}, creator connections per process ${writers.join(" / ")}`)
    // One warm-up record so first-use costs (JIT, statement cache) stay out of the figures.
    await phase(s, sub.ok, 1, 1)
    const fixed: PhaseResult[] = []
    for (const rate of RATES) {
      fixed.push(await phase(s, sub.ok, rate, SECONDS))
      console.log(`  ${name} fixed ${rate}/s: ${fmtPhase(fixed.at(-1)!)}`)
    }
    const max = await phase(s, sub.ok, 0, MAX_SECONDS)
    console.log(`  ${name} max:   ${fmtPhase(max)}`)
    return { id, connected: c.connected, subscribed: sub.ok, split, writers, fixed, max }
  } finally {
    await finish(s)
  }
}

// ---------------------------------------------------------------- output

const k = (n: number) => Math.round(n).toLocaleString("en-US")
const ms = (n: number) => n.toFixed(1)
const cores = (n: number) => n.toFixed(2)

function fmtPhase(p: PhaseResult): string {
  return `${p.created} records (${p.createdPerSec.toFixed(1)}/s), ${k(p.frames)}/${k(p.expected)} frames, ${k(p.deliveredPerSec)} frames/s, p50 ${ms(p.p50)} ms, p99 ${ms(p.p99)} ms, max ${ms(p.max)} ms, dropped ${p.dropped}, frames out per process ${p.framesOut.map(k).join(" / ")}, cores: servers ${p.serverCpu.map(cores).join(" + ")}, redis ${cores(p.redisCpu)}, generator ${cores(p.generatorCpu)}, creator ${cores(p.creatorCpu)}, others ${cores(p.otherCpu)} (softirq, part of the above: ${cores(p.irqCpu)})`
}

/** Each topology's run with the least CPU used by others during its max phase. */
function quietest(runs: TopologyResult[]): TopologyResult[] {
  const best = new Map<TopologyId, TopologyResult>()
  for (const r of runs) {
    const b = best.get(r.id)
    if (!b || r.max.otherCpu < b.max.otherCpu) best.set(r.id, r)
  }
  return [...best.values()].sort((a, b) => a.id - b.id)
}

function printTable(runs: TopologyResult[]): string {
  const results = quietest(runs)
  const lines: string[] = [
    "| topology | phase | clients per process | records/s | frames got / expected | frames/s | p50 ms | p99 ms | cores servers / redis / generator / creator / other |",
    "|---|---|---|---:|---:|---:|---:|---:|---|",
  ]
  for (const r of results) {
    const phases: Array<[string, PhaseResult]> = [...r.fixed.map((p, i): [string, PhaseResult] => [`fixed ${RATES[i]}/s`, p]), ["max", r.max]]
    for (const [label, p] of phases) {
      const servers = p.serverCpu.map(cores).join(" + ")
      lines.push(
        `| ${TOPOLOGIES[r.id].name} | ${label} | ${r.split.map(k).join(" / ")} | ${p.createdPerSec.toFixed(1)} | ${k(p.frames)} / ${k(p.expected)} | ${k(p.deliveredPerSec)} | ${ms(p.p50)} | ${ms(p.p99)} | ${servers} / ${cores(p.redisCpu)} / ${cores(p.generatorCpu)} / ${cores(p.creatorCpu)} / ${cores(p.otherCpu)} |`,
      )
    }
  }
  return lines.join("\n")
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  console.log(
    `cluster bench: ${new Date().toISOString()}, ${navigator.hardwareConcurrency} cores, Bun ${Bun.version}, clients ${CLIENTS}, rates ${RATES.join(", ")}/s for ${SECONDS} s, max for ${MAX_SECONDS} s, ${CONCURRENCY} creators`,
  )
  const runs: TopologyResult[] = []
  for (let i = 0; i < REPEAT; i++) {
    for (const id of ONLY) {
      console.log(`topology ${id}: ${TOPOLOGIES[id].name}`)
      runs.push(await runTopology(id))
    }
  }
  console.log("\n" + printTable(runs))
}

runBounded(main, live, HARD_LIMIT_MS)
