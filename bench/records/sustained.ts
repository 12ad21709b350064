/**
 * @module
 * Sustained creates: one server, 64 closed-loop writers, several rounds back to back while the
 * table grows; prints per round req/s, server CPU per request (whole process tree) and the sizes
 * of `data.db` and its WAL. A cost that grows with the data written shows here, not in the short
 * rows of `run.ts`.
 *
 *   bun bench/records/sustained.ts [--only=pocketbun | pocketbun-1p | pocketbase] [--rounds=8] [--seconds=4]
 */
import { statSync } from "node:fs"
import { join } from "node:path"
import { numericFlag, onlyFlag } from "../flags.ts"
import { runLoad } from "./load.ts"
import { startServer, type Target } from "./servers.ts"

const TARGET = (onlyFlag() ?? "pocketbun") as Target
const ROUNDS = numericFlag("rounds", 8, 50)
const SECONDS = numericFlag("seconds", 4, 60)

const server = await startServer(TARGET)
try {
  const created = await fetch(`${server.baseUrl}/api/collections`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: server.token },
    body: JSON.stringify({ name: "items", createRule: "", fields: [{ name: "title", type: "text" }, { name: "n", type: "number" }] }),
  })
  if (!created.ok) throw new Error(`creating the collection: ${created.status} ${await created.text()}`)
  const megabytes = (path: string) => ((statSync(path, { throwIfNoEntry: false })?.size ?? 0) / 1e6).toFixed(1)
  console.log(`${TARGET}, ${ROUNDS} rounds of ${SECONDS} s, 64 writers\n\n| round | records after | req/s | CPU µs/req | data.db MB | WAL MB |\n|---:|---:|---:|---:|---:|---:|`)
  let total = 0
  for (let round = 1; round <= ROUNDS; round++) {
    const cpuBefore = server.cpuSeconds()
    const load = await runLoad((i) => ({
      url: `${server.baseUrl}/api/collections/items/records`,
      init: { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: `item ${round}-${i}`, n: i }) },
    }), { concurrency: 64, durationMs: SECONDS * 1000 })
    total += load.requests
    const cpu = ((server.cpuSeconds() - cpuBefore) / Math.max(load.requests, 1)) * 1e6
    console.log(`| ${round} | ${total} | ${load.rps.toFixed(0)} | ${cpu.toFixed(0)} | ${megabytes(join(server.dir, "data.db"))} | ${megabytes(join(server.dir, "data.db-wal"))} |`)
  }
} finally {
  await server.stop()
}
