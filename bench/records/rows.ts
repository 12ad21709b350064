/**
 * @module
 * The records benchmark's workload: the collections it sets up on every server, and its rows
 * (what each request of a row is), shared by `run.ts` and `cpu-by-thread.ts`.
 */
import type { RequestFactory } from "./load.ts"
import type { RunningServer } from "./servers.ts"

const FIELDS = [
  { name: "title", type: "text" },
  { name: "n", type: "number" },
  { name: "flag", type: "bool" },
  { name: "tag", type: "select", values: ["a", "b", "c", "d"], maxSelect: 1 },
]
const CREATE_RULE = "@request.body.title != '' && n >= 0 && tag != 'd'"
const LIST_QUERY = `filter=${encodeURIComponent("n >= 5000 && flag = true")}&sort=${encodeURIComponent("-n,title")}&perPage=30`

const json = (body: unknown, token?: string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
  body: JSON.stringify(body),
})

/** Creates per batch request in the batch row. */
const BATCH_SIZE = 50

const item = (i: number) => ({ title: `item ${i}`, n: (i * 7919) % 10_000, flag: i % 2 === 0, tag: ["a", "b", "c"][i % 3] })

/** Creates the bench collections (batches on) and seeds `records` items; returns their ids. */
export async function setup(server: RunningServer, records: number): Promise<string[]> {
  const collection = (name: string, createRule: string) =>
    fetch(`${server.baseUrl}/api/collections`, json({ name, listRule: "", viewRule: "", createRule, updateRule: "", deleteRule: "", fields: FIELDS }, server.token)).then(async (r) => {
      if (!r.ok) throw new Error(`creating ${name} on ${server.target}: ${r.status} ${await r.text()}`)
    })
  await collection("items", "")
  await collection("items_rule", CREATE_RULE)
  await patchSettings(server, { batch: { enabled: true, maxRequests: BATCH_SIZE } })
  const ids: string[] = []
  let next = 0
  const seeder = async () => {
    while (next < records) {
      const i = next++
      const response = await fetch(`${server.baseUrl}/api/collections/items/records`, json(item(i), server.token))
      if (!response.ok) throw new Error(`seeding ${server.target}: ${response.status} ${await response.text()}`)
      ids.push(((await response.json()) as { id: string }).id)
    }
  }
  await Promise.all(Array.from({ length: 16 }, seeder))
  return ids
}

/** PATCHes the settings as the superuser. */
export async function patchSettings(server: RunningServer, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${server.baseUrl}/api/settings`, { ...json(body, server.token), method: "PATCH" })
  if (!response.ok) throw new Error(`settings on ${server.target}: ${response.status} ${await response.text()}`)
}

/** What a row may use: the seeded ids, and the records the create rows made (the delete row uses them up). */
export interface TargetState {
  ids: string[]
  created: Array<{ collection: string; id: string }>
}

export interface Row {
  name: string
  /** Short name for `--rows`. */
  key: string
  make: (server: RunningServer, state: TargetState) => RequestFactory
  /** Measured as these variants instead, alternating within each slice, each under its own settings. */
  variants?: Array<{ name: string; settings: Record<string, unknown> }>
}

const collect = (state: TargetState, collection: string) => (body: ArrayBuffer) =>
  void state.created.push({ collection, id: (JSON.parse(new TextDecoder().decode(body)) as { id: string }).id })

const patch = (body: unknown): RequestInit => ({ method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

/** Every row, for a table seeded with `records` items (offsets keep their bodies distinct). */
export const rows = (records: number): Row[] => [
  { name: "view by id", key: "view", make: (s, { ids }) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records/${ids[(i * 7) % ids.length]}` }) },
  { name: "list filtered+sorted (with total)", key: "list", make: (s) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records?${LIST_QUERY}&page=${(i % 5) + 1}` }) },
  { name: "list filtered+sorted (skipTotal)", key: "skipTotal", make: (s) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records?${LIST_QUERY}&page=${(i % 5) + 1}&skipTotal=1` }) },
  { name: "create", key: "create", make: (s, state) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records`, init: json(item(records + i)), read: collect(state, "items") }) },
  { name: "create with a rule", key: "rule", make: (s, state) => (i) => ({ url: `${s.baseUrl}/api/collections/items_rule/records`, init: json(item(i)), read: collect(state, "items_rule") }) },
  {
    name: "create, request logs on/off",
    key: "logs",
    make: (s) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records`, init: json(item(2 * records + i)) }),
    variants: [
      { name: "create, request logs on", settings: { logs: { maxDays: 5 } } },
      { name: "create, request logs off", settings: { logs: { maxDays: 0 } } },
    ],
  },
  {
    name: "50 creates in one batch",
    key: "batch",
    make: (s) => (i) => ({
      url: `${s.baseUrl}/api/batch`,
      init: json({ requests: Array.from({ length: BATCH_SIZE }, (_, j) => ({ method: "POST", url: "/api/collections/items/records", body: item(3 * records + i * BATCH_SIZE + j) })) }),
    }),
  },
  { name: "update", key: "update", make: (s, { ids }) => (i) => ({ url: `${s.baseUrl}/api/collections/items/records/${ids[(i * 13) % ids.length]}`, init: patch({ title: `updated ${i}`, n: i % 10_000 }) }) },
  {
    name: "delete",
    key: "delete",
    make: (s, { created }) => () => {
      const next = created.pop()
      return next ? { url: `${s.baseUrl}/api/collections/${next.collection}/records/${next.id}`, init: { method: "DELETE" } } : null
    },
  },
]

