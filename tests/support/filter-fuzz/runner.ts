/**
 * @module
 * The differential filter fuzzer: the same seeded world in pocketbun and in the reference
 * PocketBase, then generated filters (list `?filter=`), sorts (`?sort=`) and list rules (saved as
 * the collection's `listRule`, then listed as a guest and as two members) sent to both. Status,
 * message and ordered ids must agree; a disagreement is shrunk to its smallest failing part.
 * Every answer pocketbun gives is also checked against its realtime access decision (the
 * in-memory matcher, and the one-row SQL used for deleted records): a record the REST list shows
 * must be one a subscriber is sent, and no other; some rule cases are checked with real
 * subscribers too.
 */
import type { Collection, RecordData, RequestInfo } from "../../../src/core/types.ts"
import { compileMatcher, isFilterError } from "../../../src/filter/index.ts"
import { SUPERUSER_EMAIL, type PocketbunServer, type TestServer } from "../servers.ts"
import { generateFilter, generateRule, generateSort, type Node, Random, render, shrinkCandidates } from "./grammar.ts"
import { liveComparable, liveMismatches } from "./live.ts"
import { ITEM_IDS, MEMBERS, memberTokens } from "./world.ts"

/** Who sends a list request. */
export type Actor = "superuser" | "guest" | "member1" | "member2"
/** The three paths the fuzzer drives. */
export type Path = "filter" | "sort" | "rule"

/** What a list request answered, reduced to what must agree. */
interface Answer {
  status: number
  message?: string
  ids?: string[]
  total?: number
}

/** Both servers of one fuzz run. */
export interface FuzzWorld {
  ours: PocketbunServer
  reference: TestServer
  tokens: Map<TestServer, string[]>
  /** The `items` list rule both servers hold now. */
  rule: string
}

/** One disagreement, with the smallest text that still shows it. */
export interface Mismatch {
  path: Path | "realtime"
  actor: Actor
  text: string
  shrunk: string
  detail: string
}

/** Figures of a run. */
export interface FuzzReport {
  cases: number
  byPath: Record<Path, number>
  realtimeChecks: number
  /** Record decisions the in-memory matcher made (the rest needed SQL). */
  matcherDecisions: number
  /** Rule cases checked with real subscribers and an update of every item. */
  liveChecks: number
  mismatches: Mismatch[]
}

const QUERY_EXTRA = "&q=Alpha"
const HEADERS = { "x-token": "abc" }
const MAX_SHRINK_STEPS = 80
/** One rule case in this many also gets the live check (real subscribers, every item updated). */
const LIVE_EVERY = 8

function token(world: FuzzWorld, server: TestServer, actor: Actor): string | undefined {
  if (actor === "superuser") return server.admin.authStore.token
  if (actor === "guest") return undefined
  return world.tokens.get(server)![actor === "member1" ? 0 : 1]
}

async function list(world: FuzzWorld, server: TestServer, actor: Actor, filter: string | null, sort: string): Promise<Answer> {
  let url = `${server.url}/api/collections/items/records?perPage=500${QUERY_EXTRA}&sort=${encodeURIComponent(sort)}`
  if (filter !== null) url += `&filter=${encodeURIComponent(filter)}`
  const auth = token(world, server, actor)
  const response = await fetch(url, { headers: auth ? { ...HEADERS, authorization: auth } : HEADERS })
  const body = (await response.json()) as { message?: string; items?: { id: string }[]; totalItems?: number }
  if (response.status !== 200) return { status: response.status, message: body.message }
  return { status: 200, ids: body.items!.map((item) => item.id), total: body.totalItems }
}

async function saveRule(server: TestServer, rule: string): Promise<Answer> {
  const response = await fetch(`${server.url}/api/collections/items`, {
    method: "PATCH",
    headers: { authorization: server.admin.authStore.token, "content-type": "application/json" },
    body: JSON.stringify({ listRule: rule }),
  })
  const body = (await response.json()) as { message?: string; data?: Record<string, { code?: string }> }
  if (response.status === 200) return { status: 200 }
  const codes = Object.entries(body.data ?? {}).map(([key, value]) => `${key}:${value.code}`).join(",")
  return { status: response.status, message: `${body.message} ${codes}` }
}

const same = (a: Answer, b: Answer): boolean => JSON.stringify(a) === JSON.stringify(b)
const describe = (a: Answer): string =>
  a.status === 200 ? `200 [${(a.ids ?? []).map((id) => id.replace(/^item0+/, "")).join(",")}] total=${a.total ?? "-"}` : `${a.status} ${a.message}`

/** A sort with an `id` tie-breaker, so the order is fully defined on both servers. */
function withTieBreak(sort: string): string {
  const entries = sort.split(",").length
  return entries < 8 && !sort.includes("@random") ? `${sort},id` : sort
}

interface CaseCheck {
  /** Returns a description of the disagreement, or null when both servers agree. */
  (text: string): Promise<string | null>
}

/** Compares both servers on one list request. */
function listCheck(world: FuzzWorld, actor: Actor, kind: "filter" | "sort", other: string): CaseCheck {
  return async (text) => {
    const filter = kind === "filter" ? text : other === "" ? null : other
    const sort = kind === "sort" ? withTieBreak(text) : "id"
    const [ours, theirs] = [await list(world, world.ours, actor, filter, sort), await list(world, world.reference, actor, filter, sort)]
    if (kind === "sort" && text.includes("@random") && ours.ids && theirs.ids) {
      ours.ids.sort()
      theirs.ids.sort()
    }
    if (same(ours, theirs)) return null
    const under = actor === "superuser" || world.rule === "" ? "" : ` (list rule ${JSON.stringify(world.rule)})`
    return `pocketbun ${describe(ours)} | pocketbase ${describe(theirs)}${under}`
  }
}

const RULE_ACTORS: Actor[] = ["guest", "member1", "member2"]

/** Saves the rule on both servers and compares the save and each actor's list under it. */
function ruleCheck(world: FuzzWorld, clientFilter: string): CaseCheck {
  return async (rule) => {
    const [ours, theirs] = [await saveRule(world.ours, rule), await saveRule(world.reference, rule)]
    if (!same(ours, theirs)) {
      await Promise.all([saveRule(world.ours, ""), saveRule(world.reference, "")])
      world.rule = ""
      return `save: pocketbun ${describe(ours)} | pocketbase ${describe(theirs)}`
    }
    if (ours.status !== 200) return null
    world.rule = rule
    for (const actor of RULE_ACTORS) {
      const problem = await listCheck(world, actor, "filter", "")(clientFilter)
      if (problem) return `${actor}${clientFilter ? ` with filter ${JSON.stringify(clientFilter)}` : ""}: ${problem}`
    }
    return null
  }
}

/** Shrinks a failing node while the check still fails; returns the smallest failing text. */
async function shrink(node: Node, check: CaseCheck): Promise<{ text: string; detail: string }> {
  let current = node
  let detail = (await check(render(node))) ?? ""
  for (let step = 0; step < MAX_SHRINK_STEPS; step++) {
    let smaller: { node: Node; detail: string } | null = null
    for (const candidate of shrinkCandidates(current)) {
      const problem = await check(render(candidate))
      if (problem) {
        smaller = { node: candidate, detail: problem }
        break
      }
    }
    if (!smaller) break
    current = smaller.node
    detail = smaller.detail
  }
  return { text: render(current), detail }
}

/** The realtime side of pocketbun: who is sent an event for each record, for one actor. */
function realtimeMismatches(world: FuzzWorld, actor: Actor, rule: string, filter: string, visible: Set<string>, report: FuzzReport): string[] {
  const services = world.ours.app.services
  const items = services.collections.find("items")!
  const info = requestInfo(world, actor, filter)
  const superuser = actor === "superuser"
  const problems: string[] = []
  let ruleMatch: ReturnType<typeof compileMatcher> = null
  let filterMatch: ReturnType<typeof compileMatcher> = null
  try {
    ruleMatch = compileMatcher(superuser ? "" : rule, { collection: items })
    filterMatch = compileMatcher(filter, { collection: items, restricted: !superuser })
  } catch (error) {
    if (!isFilterError(error)) throw error
    return [`the matcher refuses what SQL accepted: ${(error as Error).message}`]
  }
  for (const id of ITEM_IDS) {
    const record = services.records.findById(items, id)!
    const shown = visible.has(id)
    if (ruleMatch && filterMatch) {
      report.matcherDecisions++
      const matched = ruleMatch(record, info) && filterMatch(record, info)
      if (matched !== shown) problems.push(`matcher says ${matched} for ${id}, REST ${shown ? "shows" : "hides"} it`)
    }
    const bySql = services.rules.passes({ collection: items, rule: items.listRule, request: info, target: { record }, filter })
    if (bySql !== shown) problems.push(`one-row SQL says ${bySql} for ${id}, REST ${shown ? "shows" : "hides"} it`)
  }
  return problems
}

function requestInfo(world: FuzzWorld, actor: Actor, filter: string): RequestInfo {
  const services = world.ours.app.services
  let auth: { record: RecordData; collection: Collection } | null = null
  if (actor === "superuser") {
    const collection = services.collections.find("_superusers")!
    auth = { collection, record: services.records.findByField(collection, "email", SUPERUSER_EMAIL)! }
  } else if (actor !== "guest") {
    const collection = services.collections.find("members")!
    auth = { collection, record: services.records.findById(collection, MEMBERS[actor === "member1" ? 0 : 1]!.id)! }
  }
  return { auth, context: "default", method: "GET", query: { q: "Alpha", filter }, headers: { x_token: "abc" }, body: {} }
}

/** Runs the realtime comparison for one answered list; returns a mismatch or null. */
async function checkRealtime(world: FuzzWorld, actor: Actor, filter: string, report: FuzzReport): Promise<string | null> {
  const answer = await list(world, world.ours, actor, filter === "" ? null : filter, "id")
  if (answer.status !== 200) return null
  const items = world.ours.app.services.collections.find("items")!
  const problems = realtimeMismatches(world, actor, items.listRule ?? "", filter, new Set(answer.ids), report)
  return problems.length === 0 ? null : `${problems.length} record(s): ${problems.slice(0, 3).join("; ")}`
}

/** Starts from a seeded world whose servers are already running; signs the members in. */
export async function prepareWorld(ours: PocketbunServer, reference: TestServer): Promise<FuzzWorld> {
  const tokens = new Map<TestServer, string[]>()
  for (const server of [ours, reference]) tokens.set(server, await memberTokens(server))
  return { ours, reference, tokens, rule: "" }
}

/** Runs `cases` generated cases from `seed`; `onMismatch` sees each shrunk disagreement as it is found. */
export async function runFuzz(world: FuzzWorld, seed: number, cases: number, onMismatch?: (m: Mismatch) => void): Promise<FuzzReport> {
  const rng = new Random(seed)
  const report: FuzzReport = { cases: 0, byPath: { filter: 0, sort: 0, rule: 0 }, realtimeChecks: 0, matcherDecisions: 0, liveChecks: 0, mismatches: [] }
  const record = (m: Mismatch) => {
    report.mismatches.push(m)
    onMismatch?.(m)
  }
  await Promise.all([saveRule(world.ours, ""), saveRule(world.reference, "")])
  world.rule = ""
  for (let i = 0; i < cases; i++) {
    const roll = rng.next()
    const path: Path = roll < 0.45 ? "filter" : roll < 0.65 ? "sort" : "rule"
    report.cases++
    report.byPath[path]++
    if (path === "rule") {
      const node = generateRule(rng)
      const clientFilter = rng.chance(0.3) ? render(generateFilter(rng, { privileged: false })) : ""
      const check = ruleCheck(world, clientFilter)
      const text = render(node)
      if (await check(text)) {
        const { text: shrunk, detail } = await shrink(node, check)
        record({ path, actor: "guest", text, shrunk, detail })
        await check(text)
      }
      for (const actor of RULE_ACTORS) {
        report.realtimeChecks++
        const problem = await checkRealtime(world, actor, clientFilter, report)
        if (problem) record({ path: "realtime", actor, text: `rule ${JSON.stringify(text)} filter ${JSON.stringify(clientFilter)}`, shrunk: text, detail: problem })
      }
      if (report.byPath.rule % LIVE_EVERY === 1 && world.rule === text && liveComparable(text, clientFilter)) {
        report.liveChecks++
        const visible = new Map<Actor, Set<string>>()
        for (const actor of RULE_ACTORS) {
          const answer = await list(world, world.ours, actor, clientFilter === "" ? null : clientFilter, "id")
          visible.set(actor, new Set(answer.ids ?? []))
        }
        for (const problem of await liveMismatches(world, clientFilter, visible)) {
          record({ path: "realtime", actor: "guest", text: `live: rule ${JSON.stringify(text)} filter ${JSON.stringify(clientFilter)}`, shrunk: text, detail: problem })
        }
      }
      continue
    }
    const actor: Actor = rng.pick(path === "sort" ? ["superuser", "guest"] : ["superuser", "superuser", "guest", "member1"])
    if (path === "sort") {
      const sort = generateSort(rng)
      const filter = rng.chance(0.2) ? render(generateFilter(rng, { privileged: false })) : ""
      const problem = await listCheck(world, actor, "sort", filter)(sort)
      if (problem) record({ path, actor, text: sort, shrunk: sort, detail: filter ? `with filter ${JSON.stringify(filter)}: ${problem}` : problem })
      continue
    }
    const node = generateFilter(rng, { privileged: actor === "superuser" || rng.chance(0.05), superuser: actor === "superuser" })
    const check = listCheck(world, actor, "filter", "")
    const text = render(node)
    if (await check(text)) {
      const { text: shrunk, detail } = await shrink(node, check)
      record({ path, actor, text, shrunk, detail })
    }
    // superusers' realtime filters cannot read hidden fields, unlike their REST lists
    if (actor === "superuser" && text.includes("secret")) continue
    report.realtimeChecks++
    const problem = await checkRealtime(world, actor, text, report)
    if (problem) record({ path: "realtime", actor, text, shrunk: text, detail: problem })
  }
  return report
}
