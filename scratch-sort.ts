import { startPocketbun, startReference } from "./tests/support/servers.ts"
import { seedWorld, memberTokens } from "./tests/support/filter-fuzz/world.ts"
const servers = [await startPocketbun(), await startReference()]
const tokens: string[] = []
for (const s of servers) { await seedWorld(s); tokens.push((await memberTokens(s))[0]!) }
const cases = JSON.parse(await Bun.file("/tmp/sortcases.json").text()) as [string, string, string][]
for (const [rule, sort, filter] of cases) {
  const out: string[] = []
  for (const [i, s] of servers.entries()) {
    await fetch(`${s.url}/api/collections/items`, { method: "PATCH", headers: { authorization: s.admin.authStore.token, "content-type": "application/json" }, body: JSON.stringify({ listRule: rule }) })
    const r = await fetch(`${s.url}/api/collections/items/records?perPage=500&q=Alpha&sort=${encodeURIComponent(sort)}&filter=${encodeURIComponent(filter)}`, { headers: { authorization: tokens[i]!, "x-token": "abc" } })
    const body = await r.json() as any
    out.push(`${r.status} ${r.status === 200 ? body.items.map((i: any) => i.id.slice(-2)).join(",") : JSON.stringify(body.message)}`)
  }
  console.log(out[0] === out[1] ? "SAME" : "DIFF", JSON.stringify([rule, sort, filter])); if (out[0] !== out[1]) console.log("  ours " + out[0] + "\n  ref  " + out[1])
}
for (const s of servers) await s.stop()
