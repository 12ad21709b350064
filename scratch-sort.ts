import { startPocketbun, startReference } from "./tests/support/servers.ts"
import { seedWorld } from "./tests/support/filter-fuzz/world.ts"
const servers = [await startPocketbun(), await startReference()]
for (const s of servers) await seedWorld(s)
const cases = JSON.parse(await Bun.file("/tmp/sortcases.json").text()) as [string, string, string][]
for (const [rule, sort, filter] of cases) {
  const out: string[] = []
  for (const s of servers) {
    await fetch(`${s.url}/api/collections/items`, { method: "PATCH", headers: { authorization: s.admin.authStore.token, "content-type": "application/json" }, body: JSON.stringify({ listRule: rule }) })
    const r = await fetch(`${s.url}/api/collections/items/records?perPage=500&sort=${encodeURIComponent(sort)}&filter=${encodeURIComponent(filter)}`)
    const body = await r.json() as any
    out.push(`${r.status} ${r.status === 200 ? body.items.map((i: any) => i.id.slice(-2)).join(",") : JSON.stringify(body.message)}`)
  }
  console.log(out[0] === out[1] ? "SAME" : "DIFF", JSON.stringify([rule, sort, filter])); if (out[0] !== out[1]) console.log("  ours " + out[0] + "\n  ref  " + out[1])
}
for (const s of servers) await s.stop()
