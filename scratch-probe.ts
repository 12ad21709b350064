import { startPocketbun, startReference } from "./tests/support/servers.ts"
import { seedWorld } from "./tests/support/filter-fuzz/world.ts"
const servers = [await startPocketbun(), await startReference()]
for (const s of servers) await seedWorld(s)
const filters = (await Bun.file("/tmp/probe.txt").text()).split("\n@@\n").filter(Boolean)
for (const f of filters) {
  const out: string[] = []
  for (const s of servers) {
    const r = await fetch(`${s.url}/api/collections/items/records?perPage=500&sort=id&filter=${encodeURIComponent(f)}`, { headers: { authorization: s.admin.authStore.token } })
    const body = await r.json() as any
    out.push(`${r.status} ${r.status === 200 ? body.items.map((i: any) => i.id.slice(-2)).join(",") : JSON.stringify(body.message)}`)
  }
  console.log(out[0] === out[1] ? "SAME" : "DIFF", JSON.stringify(f)); if (out[0] !== out[1]) console.log("  ours " + out[0] + "\n  ref  " + out[1])
}
for (const s of servers) await s.stop()
