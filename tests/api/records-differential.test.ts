/**
 * Differential test: the same schema and data on pocketbun and the reference PocketBase, then
 * well over 150 filter expressions (every operator, modifier, macro and path kind), sorts and
 * expands, asserting equal status, ids, order and record JSON. Skips when the reference is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { referenceExecutable, startPocketbun, startReference, type TestServer } from "../support/servers.ts"
import { reportMissing } from "../support/requirements.ts"
import { fixedId, OPEN_RULES } from "../support/records-fixture.ts"

const TEAM_NAMES = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta_%"]
const TEAMS = TEAM_NAMES.map((name, k) => ({ id: fixedId(`team${k}`), name, rank: k + 1, motto: k % 2 === 0 ? "" : `motto ${name.toLowerCase()}` }))
const NAMES = ["Ann", "Bob", "Zoë", "日本太郎", "O'Brien", "", "42", "ann", "A_B", "50%", "Émile", "Chloé 😀", "Dan", "Eve", "ANN", "Grace"]
const NICKS = ["", "a_b", "x%y", "50\\%", "5%off", "under_score", "plain", "Ann", "ann"]
const TAGS = ["red", "green", "blue", "x_y", "100%"]
const LEVELS = ["", "junior", "senior", "lead"]
const META: Array<(i: number) => unknown> = [
  () => null,
  (i) => ({ a: i % 5, b: { c: ["x", "y"][i % 2] }, list: [i % 3, 1, 2] }),
  () => "plain string",
  (i) => i,
  () => [1, 2, 3],
  () => ({ a: null, list: [] }),
]
const PEOPLE = Array.from({ length: 40 }, (_, i) => ({
  id: fixedId(`person${String(i).padStart(2, "0")}`),
  name: NAMES[i % NAMES.length]!,
  nick: NICKS[i % NICKS.length]!,
  age: i % 7 === 0 ? 0 : 18 + ((i * 13) % 50),
  score: (((i * 37) % 21) - 10) / 4,
  active: i % 3 === 0,
  meta: META[i % META.length]!(i),
  tags: TAGS.filter((_, k) => (i * 7 + k * 3) % 5 < 2),
  level: LEVELS[i % LEVELS.length]!,
  born: i % 8 === 0 ? "" : i % 11 === 0 ? `2099-0${(i % 9) + 1}-15 10:00:00.000Z` : `${1950 + ((i * 7) % 60)}-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")} ${String(i % 24).padStart(2, "0")}:30:00.000Z`,
  team: i % 5 === 4 ? "" : TEAMS[i % TEAMS.length]!.id,
  clubs: TEAMS.filter((_, k) => (i + k) % 4 === 0).map((t) => t.id),
  loc: { lon: ((i * 17) % 360) - 180, lat: ((i * 11) % 180) - 90 },
}))
const TITLES = ["hello world", "Hello again", "bye", "50% off", "under_score", "", "日本", "x%y"]
const POSTS = Array.from({ length: 30 }, (_, j) => ({
  id: fixedId(`post${String(j).padStart(2, "0")}`),
  title: TITLES[j % TITLES.length]!,
  author: j % 9 === 0 ? "" : PEOPLE[(j * 3) % PEOPLE.length]!.id,
  likes: (j * 17) % 100,
}))

const P = (i: number) => PEOPLE[i]!.id
const T = (k: number) => TEAMS[k]!.id

/** One differential query. `sort` defaults to `id`; `query` adds request query parameters. */
interface Case {
  filter?: string
  collection?: "people" | "teams" | "posts"
  sort?: string
  expand?: string
  query?: Record<string, string>
  headers?: Record<string, string>
  page?: number
  perPage?: number
  /** A known mismatch that cannot be fixed in src/records or src/http: why, for the report. */
  todo?: string
}

const PEOPLE_FILTERS = [
  // equality, null and empty rules
  "name = 'Ann'", "name != 'Ann'", "name = ''", "name != ''", "nick = ''", "nick != ''", "nick = null", "nick != null", "null = nick",
  "name = \"Ann\"", "name = 'O\\'Brien'", "name = \"O'Brien\"", "name = 'Zoë'", "name = 42", "name = '42'", "name = nick", "name != nick",
  "id = '" + P(3) + "'", "id != '" + P(3) + "'", "id ~ 'person1'", "id ?= '" + P(5) + "'",
  // numbers and bools
  "age = 30", "age != 30", "age > 30", "age >= 30", "age < 30", "age <= 30", "age = 0", "age = '31'", "age ~ '3'", "age = 30.0",
  "score > 0", "score < -1.5", "score = 2.5", "score >= 1.25", "score = -0.5", "score != 0", "score > -2", "age > score",
  "active = true", "active = false", "active != true", "active = 1", "active = TRUE", "active = False", "active = null",
  "age ?> 30", "age ?>= 30", "age ?< 30", "age ?<= 30", "name ?= 'Ann'", "name ?!= 'Ann'", "name ?~ 'a'", "name ?!~ 'a'",
  // LIKE, wildcards, case and unicode
  "name ~ 'an'", "name !~ 'an'", "name ~ 'AN'", "name ~ 'ö'", "name ~ 'Ö'", "name ~ '日本'", "name ~ '😀'", "name ~ ''",
  "nick ~ '%'", "nick ~ '5%'", "nick ~ '_'", "nick ~ 'a_b'", "nick ~ 'x%y'", "nick ~ '%off'", "nick ~ '50\\\\%'", "nick ~ '\\\\'",
  "nick !~ '_'", "nick ~ name", "name ~ null", "nick ~ 5", "name ~ 'A_B'", "name ~ '50%'",
  // modifiers
  "name:lower = 'ann'", "name:lower ~ 'zo'", "name:lower ?= nick:lower", "name:lower != 'ann'",
  "tags ~ 'red'", "tags = '[]'", "tags = '[\"red\"]'", "tags:each = 'red'", "tags:each ?= 'red'", "tags:each != 'red'", "tags:each ?!= 'red'",
  "tags:each ?~ 'e'", "tags:each ~ 'e'", "tags:length = 0", "tags:length > 1", "tags:length >= 2", "tags:length = 5", "clubs:length = 2", "clubs:length = 0",
  "level:length = 1", "level = 'senior'", "level = ''", "level != ''", "level ~ 'ior'", "level:each = 'lead'",
  // relations: single, multiple, back-relations
  "team = ''", "team != ''", "team = '" + T(1) + "'", "team.id = '" + T(1) + "'", "team.name = 'Alpha'", "team.rank > 2", "team.name ~ 'a'",
  "team.name = null", "team.name != null", "team.motto = ''", "team.name = clubs.name", "team.name ?= clubs.name",
  "clubs.name ?= 'Alpha'", "clubs.name = 'Alpha'", "clubs.name != 'Alpha'", "clubs.name ?!= 'Alpha'", "clubs.rank ?> 3", "clubs.rank > 3",
  "clubs.rank ?< 2", "clubs.rank ?<= 2", "clubs.rank ?>= 5", "clubs.rank < 5", "clubs.name ?~ 'et'", "clubs.name ?!~ 'et'", "clubs.name ~ 'a'",
  "clubs.name !~ 'z'", "clubs.name = null", "clubs.id ?= '" + T(2) + "'", "clubs ~ '" + T(2) + "'", "clubs:each ?= '" + T(2) + "'", "clubs:each = '" + T(2) + "'",
  "clubs.name ?= 'Alpha' && clubs.name ?= 'Beta'", "clubs.name ?= 'Alpha' || clubs.name ?= 'Beta'",
  "posts_via_author.likes ?> 50", "posts_via_author.likes > 10", "posts_via_author.title ?~ 'hello'", "posts_via_author.id != ''",
  "posts_via_author.id = null", "posts_via_author.likes ?< 20 && age > 20", "posts_via_author.title ~ 'o'",
  // json paths
  "meta.a > 3", "meta.a = 2", "meta.a = null", "meta.a != null", "meta.b.c = 'x'", "meta.b.c != 'x'", "meta.list.0 = 1", "meta.list.2 > 1",
  "meta = null", "meta != null", "meta.missing = null", "meta ~ 'list'", "meta = 'plain string'", "meta > 10", "meta.b = null",
  // dates and macros
  "born > '2000-01-01'", "born < '2000-01-01 00:00:00.000Z'", "born = ''", "born != ''", "born = null", "born < @now", "born > @now",
  "born >= @yesterday", "born <= @tomorrow", "born > @todayStart", "born < @todayEnd", "born < @monthStart", "born > @monthEnd",
  "born < @yearStart", "born > @yearEnd", "@now > born", "@second >= 0", "@minute < 60", "@hour < 24", "@day > 0", "@year > 2000",
  "@month >= 1 && @month <= 12", "@weekday < 7", "strftime('%Y', born) = '1990'", "strftime('%m', born) = '03'", "strftime('%Y-%m-%d', born) > '1999-12-31'",
  // functions
  "geoDistance(loc.lon, loc.lat, 0, 0) < 5000", "geoDistance(loc.lon, loc.lat, 10.5, 45) > 10000",
  // structure: precedence, groups, comments, whitespace
  "age > 30 || active = true && level = 'lead'", "(age > 30 || active = true) && level = 'lead'", "((age > 30) && (level = 'lead' || (active = true)))",
  "age > 30 && age < 50 && active = true", "name != null && name != ''", "age > 30 // trailing comment", "age > 30 &&\n\tactive = false",
  "(((((age > 20)))))", "age > 20 && (team.name = 'Beta' || clubs.name ?= 'Gamma')", "true = true", "1 = 1", "'a' = 'b'", "null = ''",
  // superuser-only: @request and @collection
  "@request.method = 'GET'", "@request.context = 'default'", "@request.auth.collectionName = '_superusers'", "@request.auth.id != ''",
  "@request.auth.email = 'admin@example.com'", "@request.query.nope = null", "@request.query.nope:isset = false",
  "@collection.teams.name ?= 'Alpha'", "@collection.teams:t.id ?= team && @collection.teams:t.rank ?> 3",
  "@collection.posts.author ?= id && @collection.posts.likes ?> 50", "@collection.posts:p.author ?= id && @collection.posts:p.likes ?> 50",
  "@collection.teams.rank > 0", "@collection.teams.name ?= team.name",
  // errors both must reject
  "nope = 1", "name = ", "name == 'x'", "geoDistance(1, 2, 3) < 1", "unknownFn(1) = 1", "name:shout = 'x'", "team.nope = 1",
  "@collection.nope.id ?= id", "name = 'x' &&", "(name = 'x'",
]

const CASES: Case[] = [
  ...PEOPLE_FILTERS.map((filter) => ({ filter })),
  // Known mismatch (src/filter): PocketBase's parser accepts an empty group but its SQL then fails,
  // so any filter containing `()` is a 400 there; pocketbun skips the group and answers 200.
  { filter: "() && age > 30" },
  { filter: "age > 1 || ()" },
  // Known mismatch (src/filter/macros.ts looks names up with `in` on a plain object): identifiers
  // named like Object.prototype members answer 500 (`toString`) or 200 (`constructor`); PocketBase 400.
  { filter: "toString = 1" },
  { filter: "constructor = 1" },
  { filter: "@request.query.q:isset = true", query: { q: "Ann" } },
  { filter: "@request.query.q:isset = false", query: { q: "" } },
  { filter: "@request.query.q = name", query: { q: "Ann" } },
  { filter: "@request.query.q:lower = name:lower", query: { q: "ANN" } },
  { filter: "@request.query.age < age", query: { age: "30" } },
  { filter: "@request.query.n = age", query: { n: "31" } },
  { filter: "@request.headers.x_test = 'yes' && age > 40", headers: { "x-test": "yes" } },
  // posts: relation chains and back-relations through a relation
  ...[
    "author = ''", "author.name ~ 'a' && likes > 10", "author.team.name = 'Alpha'", "author.clubs.name ?= 'Beta'", "author.tags:each ?= 'red'",
    "author.clubs:length > 1", "author.posts_via_author.likes ?> 80", "author.age > likes", "title ~ '%'", "title ~ '50%'", "title ~ '%off'",
    "title ~ 'x%y'", "title ~ '_'", "title = ''", "title:lower = 'hello world'", "likes >= 50 || author.active = true", "author.meta.a ?> 2",
  ].map((filter) => ({ filter, collection: "posts" as const })),
  // teams: back-relations through single and multiple fields
  ...[
    "people_via_team.age ?> 40", "people_via_team.age > 20", "people_via_clubs.name ?= 'Ann'", "people_via_clubs.name = 'Ann'",
    "people_via_team.name:lower ?= 'ann'", "people_via_team.posts_via_author.likes ?> 90", "people_via_team.id = null", "motto = ''", "name ~ '\\\\%'",
    "name ~ '_%'", "people_via_clubs.tags:each ?= 'blue'",
  ].map((filter) => ({ filter, collection: "teams" as const })),
  // sorts (made total with an id tiebreaker) and expands
  { sort: "-age,id" },
  { sort: "age,-score,id" },
  { sort: "team.name,id" },
  { sort: "-team.rank,id" },
  { sort: "meta.a,id" },
  { sort: "name:lower,id" },
  { sort: "@rowid" },
  { sort: "-@rowid" },
  { sort: "-born,-id", filter: "born != ''" },
  { sort: "+level,-id" },
  { sort: "-likes,id", collection: "posts" },
  { sort: "author.name,id", collection: "posts" },
  { sort: "id", expand: "team,clubs" },
  { sort: "id", expand: "posts_via_author" },
  { sort: "id", expand: "team,posts_via_author.author.team", filter: "posts_via_author.id != ''" },
  { sort: "id", expand: "author.team,author.clubs", collection: "posts" },
  { sort: "id", expand: "people_via_team,people_via_clubs.team", collection: "teams" },
  { sort: "-age,id", filter: "age > 20", page: 2, perPage: 7 },
  { sort: "name,id", filter: "name ~ 'a'", page: 1, perPage: 3 },
]

async function list(server: TestServer, c: Case): Promise<{ status: number; body: unknown }> {
  const params = new URLSearchParams({ page: String(c.page ?? 1), perPage: String(c.perPage ?? 500), sort: c.sort ?? "id", ...(c.query ?? {}) })
  if (c.filter !== undefined) params.set("filter", c.filter)
  if (c.expand) params.set("expand", c.expand)
  const response = await fetch(`${server.url}/api/collections/${c.collection ?? "people"}/records?${params}`, {
    headers: { authorization: server.admin.authStore.token, ...(c.headers ?? {}) },
  })
  return { status: response.status, body: await response.json() }
}

async function seed(server: TestServer): Promise<void> {
  const admin = server.admin
  const teams = await admin.collections.create({
    name: "teams",
    ...OPEN_RULES,
    fields: [
      { name: "name", type: "text" },
      { name: "rank", type: "number" },
      { name: "motto", type: "text" },
    ],
  })
  const people = await admin.collections.create({
    name: "people",
    ...OPEN_RULES,
    fields: [
      { name: "name", type: "text" },
      { name: "nick", type: "text" },
      { name: "age", type: "number" },
      { name: "score", type: "number" },
      { name: "active", type: "bool" },
      { name: "meta", type: "json" },
      { name: "tags", type: "select", values: TAGS, maxSelect: 5 },
      { name: "level", type: "select", values: LEVELS.filter(Boolean), maxSelect: 1 },
      { name: "born", type: "date" },
      { name: "team", type: "relation", collectionId: teams.id, maxSelect: 1 },
      { name: "clubs", type: "relation", collectionId: teams.id, maxSelect: 6 },
      { name: "loc", type: "geoPoint" },
    ],
  })
  await admin.collections.create({
    name: "posts",
    ...OPEN_RULES,
    fields: [
      { name: "title", type: "text" },
      { name: "author", type: "relation", collectionId: people.id, maxSelect: 1 },
      { name: "likes", type: "number" },
    ],
  })
  for (const team of TEAMS) await admin.collection("teams").create(team)
  for (const person of PEOPLE) await admin.collection("people").create(person)
  for (const post of POSTS) await admin.collection("posts").create(post)
}

/** A readable name for a case, unique within the table. */
function caseName(c: Case): string {
  const parts = [c.collection ?? "people", c.filter !== undefined ? `filter ${JSON.stringify(c.filter)}` : "", c.sort ? `sort ${c.sort}` : "", c.expand ? `expand ${c.expand}` : ""]
  if (c.query) parts.push(`query ${JSON.stringify(c.query)}`)
  if (c.page) parts.push(`page ${c.page}/${c.perPage}`)
  return parts.filter(Boolean).join(" ")
}

const reference = referenceExecutable()
if (!reference.path) reportMissing("the records differential tests", reference.reason)

describe.skipIf(!reference.path)("records differential: pocketbun vs PocketBase", () => {
  let ours: TestServer
  let theirs: TestServer
  const outcomes = { ok: 0, bad: 0 }

  beforeAll(async () => {
    ;[ours, theirs] = await Promise.all([startPocketbun(), startReference()])
    await Promise.all([seed(ours), seed(theirs)])
  }, 60_000)
  afterAll(async () => {
    console.log(`differential: ${CASES.length} cases, ${outcomes.ok} answered 200 and ${outcomes.bad} answered 400 on both`)
    await Promise.all([ours?.stop(), theirs?.stop()])
  })

  it("has at least 150 distinct filter expressions", () => {
    const filters = new Set(CASES.map((c) => c.filter).filter((f) => f !== undefined))
    expect(filters.size).toBeGreaterThanOrEqual(150)
    expect(new Set(CASES.map(caseName)).size).toBe(CASES.length)
  })

  it("seeds the same data on both servers", async () => {
    for (const collection of ["teams", "people", "posts"] as const) {
      const [a, b] = await Promise.all([list(ours, { collection }), list(theirs, { collection })])
      expect(a).toEqual(b)
    }
  })

  for (const c of CASES) {
    ;(c.todo ? it.todo : it)(caseName(c), async () => {
      const [a, b] = await Promise.all([list(ours, c), list(theirs, c)])
      expect({ status: a.status }).toEqual({ status: b.status })
      if (b.status === 200) {
        outcomes.ok++
        const ids = (r: unknown) => (r as { items: Array<{ id: string }> }).items.map((item) => item.id)
        expect(ids(a.body)).toEqual(ids(b.body))
        expect(a.body).toEqual(b.body)
      } else {
        outcomes.bad++
        expect((a.body as { status: number }).status).toBe(b.status)
      }
    })
  }
})
