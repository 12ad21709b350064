/**
 * @module
 * WebSocket vs SSE on pocketbun, same work: a fresh server per transport, `--clients` idle
 * clients (server RSS per client), then every client on `posts/*` while `--concurrency` creators
 * add records as fast as they can for `--seconds` (delivered frames/s, latency p50/p99, server
 * CPU). Bounded and short: the machine is shared.
 *
 *   bun bench/realtime/ws-vs-sse.ts [--clients=10000] [--seconds=5] [--concurrency=4] [--transports=sse,ws]
 */
import { runBounded, type Stoppable } from "../bounded-run.ts"
import { drain, Generator, now } from "./generator.ts"
import { cpuSeconds, rssBytes, setUp, startTarget } from "./servers.ts"

const args = Object.fromEntries(Bun.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]))
const CLIENTS = Number(args.clients ?? 10_000)
const SECONDS = Number(args.seconds ?? 5)
const CONCURRENCY = Number(args.concurrency ?? 4)
const TRANSPORTS = (args.transports ?? "sse,ws").split(",") as Array<"sse" | "ws">
const live = new Set<Stoppable>()

interface Result {
  transport: string
  connected: number
  perClientKB: number
  records: number
  framesPerSecond: number
  p50: number
  p99: number
  serverCores: number
  /** Server CPU per delivered frame: the transport's own cost, whatever limits the clients' process. */
  serverMicrosPerFrame: number
  complete: string
}

async function createRecords(baseUrl: string, token: string, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000
  let created = 0
  const worker = async () => {
    while (performance.now() < deadline) {
      const res = await fetch(`${baseUrl}/api/collections/posts/records`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: token },
        body: JSON.stringify({ title: `t${created}`, sentAt: now() }),
      })
      await res.arrayBuffer()
      if (res.ok) created++
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return created
}

async function measure(transport: "sse" | "ws"): Promise<Result> {
  const port = 19000 + Math.floor(Math.random() * 5000)
  const running = await startTarget("pocketbun", port, { serveArgs: [`--realtimeWsPerIp=${CLIENTS * 2}`] })
  const gen = new Generator(transport === "ws" ? "bench/realtime/ws-clients.ts" : "bench/realtime/clients.ts")
  live.add(running).add(gen)
  try {
    const fixture = await setUp(running, { listRule: "", users: 0 })
    await gen.ready
    await Bun.sleep(1000)
    const before = await rssBytes(running.pid)
    const { connected } = await gen.call<{ connected: number }>({ cmd: "connect", port, count: CLIENTS })
    await Bun.sleep(2000)
    const after = await rssBytes(running.pid)
    await gen.call({ cmd: "subscribe", baseUrl: running.baseUrl, plan: { topics: ["posts/*"], users: [] } })
    await gen.call({ cmd: "reset" })
    const cpu0 = await cpuSeconds(running.pid)
    const started = performance.now()
    const records = await createRecords(running.baseUrl, fixture.superuserToken, SECONDS)
    const report = await drain(gen, records * connected)
    const wall = (performance.now() - started) / 1000
    const cpu = (await cpuSeconds(running.pid)) - cpu0
    const span = (report.lastFrameAt - report.firstFrameAt) / 1000
    return {
      transport,
      connected,
      perClientKB: (after - before) / connected / 1024,
      records,
      framesPerSecond: report.frames / Math.max(span, 0.001),
      p50: report.latency.p50,
      p99: report.latency.p99,
      serverCores: cpu / wall,
      serverMicrosPerFrame: (cpu * 1e6) / Math.max(report.frames, 1),
      complete: `${report.frames}/${records * connected}, order variants ${report.orderVariants}`,
    }
  } finally {
    await gen.call({ cmd: "close" }).catch(() => {})
    await gen.stop()
    await running.stop()
    live.delete(running)
    live.delete(gen)
  }
}

async function main(): Promise<void> {
  const load = Bun.spawnSync(["uptime"]).stdout.toString().trim()
  console.log(`uptime before: ${load}`)
  const results: Result[] = []
  for (const transport of TRANSPORTS) {
    results.push(await measure(transport))
    console.log(JSON.stringify(results.at(-1)))
  }
  console.log(`uptime after: ${Bun.spawnSync(["uptime"]).stdout.toString().trim()}`)
  console.log("| transport | clients | KB per idle client | records | frames/s | p50 ms | p99 ms | server cores | server µs/frame | frames got / expected |")
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
  for (const r of results) {
    console.log(`| ${r.transport} | ${r.connected} | ${r.perClientKB.toFixed(1)} | ${r.records} | ${Math.round(r.framesPerSecond).toLocaleString("en")} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.serverCores.toFixed(2)} | ${r.serverMicrosPerFrame.toFixed(2)} | ${r.complete} |`)
  }
}

runBounded(main, live, 10 * 60_000)
