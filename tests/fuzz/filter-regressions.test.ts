/**
 * One case per class of filter/rule disagreement the fuzzer found: pocketbun must give the answer
 * the reference PocketBase gives (recorded in the case), and, where the reference is installed,
 * the reference is asked again so the record cannot go stale.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { REGRESSIONS, type RegressionCase } from "../support/filter-fuzz/regressions.ts"
import { seedWorld } from "../support/filter-fuzz/world.ts"
import { referenceExecutable, startPocketbun, startReference, type TestServer } from "../support/servers.ts"

interface Outcome {
  status: number
  items?: number[]
  message?: string
}

async function saveListRule(server: TestServer, rule: string): Promise<Response> {
  return fetch(`${server.url}/api/collections/items`, {
    method: "PATCH",
    headers: { authorization: server.admin.authStore.token, "content-type": "application/json" },
    body: JSON.stringify({ listRule: rule }),
  })
}

async function listItems(server: TestServer, filter: string | null, token?: string, sort = "id"): Promise<Outcome> {
  const query = filter === null ? "" : `&filter=${encodeURIComponent(filter)}`
  const response = await fetch(`${server.url}/api/collections/items/records?perPage=500&sort=${encodeURIComponent(sort)}${query}`, { headers: token ? { authorization: token } : {} })
  const body = (await response.json()) as { items?: { id: string }[]; message?: string }
  if (response.status !== 200) return { status: response.status, message: body.message }
  return { status: 200, items: body.items!.map((item) => Number(item.id.slice("item".length))) }
}

/** Runs one case: a superuser's `?filter=` or `?sort=`, or a rule saved, listed by a guest, and reset. */
async function run(server: TestServer, c: RegressionCase): Promise<Outcome> {
  if (c.path === "filter") return listItems(server, c.text, server.admin.authStore.token)
  if (c.path === "sort") return listItems(server, null, server.admin.authStore.token, c.text)
  const saved = await saveListRule(server, c.text)
  if (saved.status !== 200) return { status: saved.status, message: ((await saved.json()) as { message: string }).message }
  try {
    return await listItems(server, null)
  } finally {
    await saveListRule(server, "")
  }
}

const expected = (c: RegressionCase): Outcome => {
  if (c.status === 200) return { status: 200, items: c.items }
  const message = c.path === "rule" ? "Failed to update collection." : "Something went wrong while processing your request."
  return { status: c.status, message }
}

const reference = referenceExecutable()

describe("filter regressions: pocketbun answers as PocketBase 0.40.6", () => {
  const servers: TestServer[] = []
  beforeAll(async () => {
    servers.push(await startPocketbun())
    if (reference.path) servers.push(await startReference())
    for (const server of servers) await seedWorld(server)
  }, 60_000)
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()))
  })

  it("a create rule judges the would-be row without column affinity, a stored row with it", async () => {
    for (const server of servers) {
      await server.admin.collections.create({ name: "drafts", createRule: "title > 5", listRule: "title > 5", fields: [{ name: "title", type: "text" }] })
      // '10' > 5.0 compares a text with a number (text is greater); the stored TEXT column compares '10' with '5.0'
      const created = await fetch(`${server.url}/api/collections/drafts/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "10" }) })
      expect({ server: server.name, status: created.status }).toEqual({ server: server.name, status: 200 })
      const listed = (await (await fetch(`${server.url}/api/collections/drafts/records`)).json()) as { totalItems: number }
      expect({ server: server.name, listed: listed.totalItems }).toEqual({ server: server.name, listed: 0 })
    }
  })

  for (const c of REGRESSIONS) {
    it(`${c.name}: ${JSON.stringify(c.text.length > 80 ? `${c.text.slice(0, 80)}…` : c.text)}`, async () => {
      for (const server of servers) expect({ server: server.name, ...(await run(server, c)) }).toEqual({ server: server.name, ...expected(c) })
    })
  }
})
