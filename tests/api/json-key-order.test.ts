/**
 * Differential test of JSON as written on the wire: the same schema, data and requests on pocketbun
 * and the reference PocketBase, comparing raw response bodies (and SSE frames) byte for byte after
 * masking what is random by nature (ids, dates, tokens, secrets, file-name suffixes). Key order,
 * escaping and number formatting therefore have to match. Runs where the reference is installed;
 * under CI=true a missing reference fails instead of skipping.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { openRawStream, postRealtime, type RawStream } from "../support/realtime.ts"
import { referenceExecutable, startPocketbun, startReference, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, type TestServer } from "../support/servers.ts"
import { OPEN_RULES } from "../support/records-fixture.ts"

const MEMBER_PASSWORD = "member-password-1"

/** What `seed` created on one server, for building requests. */
interface World {
  server: TestServer
  adminToken: string
  memberToken: string
  kindId: string
  hiddenMemberId: string
  visibleMemberId: string
}

/**
 * How two answers are compared: `bytes` (the default) compares the masked text; the others are for
 * answers PocketBase writes from a Go map in random order: `unordered-top` compares the members of
 * the top-level object by name (each member's text exactly), `unordered` compares the parsed values
 * ignoring key order at every depth, `keys` compares only the key order (for values pocketbun
 * derives differently, such as a view collection's field ids).
 */
type Comparison = "bytes" | "unordered-top" | "unordered" | "keys"

/** One request whose raw answer must match. */
interface Shape {
  name: string
  request: (world: World) => Promise<Response | string>
  compare?: Comparison
}

/**
 * Replaces random values with placeholders: JWTs, dates, collection and record ids, realtime client
 * ids, file-name suffixes and generated secrets. Everything else stays byte for byte.
 */
function maskRandom(text: string): string {
  return text
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, "<token>")
    .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z/g, "<date>")
    .replace(/pbc_\d+/g, "<collectionId>")
    .replace(/idx_(tokenKey|email)_[a-z0-9]{10}\b/g, "idx_$1_<scaffoldId>")
    .replace(/\b[A-Za-z0-9]{40}\b/g, "<clientId>")
    // A record event's SSE id is our resume cursor where PocketBase repeats the client id.
    .replace(/^id:\d+$/gm, "id:<clientId>")
    .replace(/_[a-z0-9]{10}\.(png|txt)\b/g, "_<random>.$1")
    .replace(/(?<=[^A-Za-z0-9])[a-z0-9]{15}(?=[^A-Za-z0-9])/g, "<id>")
    // Email templates are pocketbun's own wording; only their place in the JSON must match.
    .replace(/"(subject|body)":"(?:[^"\\]|\\.)*"/g, '"$1":"<text>"')
}

async function send(world: Pick<World, "server">, method: string, path: string, options: { token?: string; body?: unknown; form?: FormData } = {}): Promise<Response> {
  const headers: Record<string, string> = {}
  if (options.token) headers.Authorization = options.token
  let body: FormData | string | undefined
  if (options.form) body = options.form
  else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json"
    body = JSON.stringify(options.body)
  }
  return fetch(`${world.server.url}${path}`, { method, headers, body })
}

const asAdmin = (world: World, method: string, path: string, body?: unknown) => send(world, method, path, { token: world.adminToken, body })

async function seed(server: TestServer): Promise<World> {
  const admin = server.admin
  const adminToken = admin.authStore.token
  // Guests may not view vaults, so expanding a team's vault must leave it out.
  const vaults = await admin.collections.create({ name: "vaults", fields: [{ name: "code", type: "text" }] })
  const vault = await admin.collection("vaults").create({ code: "1234" })
  const teams = await admin.collections.create({
    name: "teams",
    ...OPEN_RULES,
    fields: [{ name: "name", type: "text" }, { name: "rank", type: "number" }, { name: "vault", type: "relation", collectionId: vaults.id, maxSelect: 1 }],
  })
  await admin.collections.create({
    name: "kinds",
    ...OPEN_RULES,
    fields: [
      { name: "title", type: "text", required: true, max: 100, pattern: "^[^!]*$", presentable: true, help: "The title" },
      { name: "count", type: "number", min: 0, max: 1e30 },
      { name: "whole", type: "number", onlyInt: true },
      { name: "flag", type: "bool" },
      { name: "mail", type: "email", onlyDomains: ["example.com"] },
      { name: "site", type: "url", exceptDomains: ["bad.example"] },
      { name: "content", type: "editor", maxSize: 5000, convertURLs: true },
      { name: "when", type: "date", min: "2000-01-01 00:00:00.000Z" },
      { name: "color", type: "select", values: ["red", "green"], maxSelect: 1 },
      { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
      { name: "meta", type: "json", maxSize: 2000 },
      { name: "doc", type: "file", maxSelect: 1, maxSize: 1000, mimeTypes: ["text/plain"] },
      { name: "docs", type: "file", maxSelect: 3, protected: true, thumbs: ["10x10"] },
      { name: "team", type: "relation", collectionId: teams.id, maxSelect: 1 },
      { name: "teams", type: "relation", collectionId: teams.id, maxSelect: 5, minSelect: 0, cascadeDelete: true },
      { name: "where", type: "geoPoint" },
      { name: "pin", type: "password" },
      { name: "secret", type: "text", hidden: true },
      { name: "created", type: "autodate", onCreate: true },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
    indexes: ["CREATE INDEX `idx_kinds_title` ON `kinds` (`title`)"],
  })
  await admin.collections.create({
    name: "members",
    type: "auth",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "name", type: "text" },
      { name: "team", type: "relation", collectionId: teams.id, maxSelect: 1 },
    ],
    passwordAuth: { enabled: true, identityFields: ["email"] },
    oauth2: { enabled: false, providers: [{ name: "google", clientId: "client-id", clientSecret: "client-secret" }], mappedFields: { name: "name" } },
    mfa: { enabled: false, duration: 900, rule: "" },
    otp: { enabled: false, duration: 300, length: 6 },
  })
  await admin.collections.create({ name: "agents", type: "auth", passwordAuth: { enabled: true, identityFields: ["email"] }, mfa: { enabled: true, duration: 900 }, otp: { enabled: true, duration: 300, length: 6 } })
  await admin.collections.create({ name: "team_names", type: "view", listRule: "", viewRule: "", viewQuery: "SELECT id, name, rank FROM teams" })

  const team = await admin.collection("teams").create({ name: "Alpha <&> \u2028 ünï 😀", rank: 1.5, vault: vault.id })
  await admin.collection("teams").create({ name: "Beta", rank: -2 })
  // Multipart, so the json field keeps its text's key order and files are uploaded.
  const parts: Array<[string, string | File]> = [
    ["title", "first <b>"], ["count", "42"], ["flag", "true"], ["mail", "a@example.com"], ["site", "https://example.com/x?a=1&b=2"],
    ["content", "<p>hello</p>"], ["when", "2024-01-02 03:04:05.678Z"], ["color", "red"], ["tags", "a"], ["tags", "c"],
    ["meta", JSON.stringify({ z: 1, a: [1, 2.5, "x"], m: { b: true, a: null } })],
    ["doc", new File(["hello"], "note.txt", { type: "text/plain" })],
    ["docs", new File(["one"], "one.txt", { type: "text/plain" })], ["docs", new File(["two"], "two.txt", { type: "text/plain" })],
    ["pin", "12345678"], ["team", team.id], ["teams", team.id], ["where", JSON.stringify({ lon: 12.5, lat: -7.25 })], ["secret", "hidden value"],
  ]
  const form = new FormData()
  for (const [name, value] of parts) form.append(name, value)
  const kind = (await (await send({ server }, "POST", "/api/collections/kinds/records", { token: adminToken, form })).json()) as { id: string }

  const hidden = await admin.collection("members").create({ email: "hidden@example.com", password: MEMBER_PASSWORD, passwordConfirm: MEMBER_PASSWORD, name: "Hidden", team: team.id })
  const visible = await admin.collection("members").create({ email: "visible@example.com", emailVisibility: true, password: MEMBER_PASSWORD, passwordConfirm: MEMBER_PASSWORD, name: "Visible", verified: true })
  const member = server.client()
  await member.collection("members").authWithPassword("hidden@example.com", MEMBER_PASSWORD)
  return { server, adminToken, memberToken: member.authStore.token, kindId: kind.id, hiddenMemberId: hidden.id, visibleMemberId: visible.id }
}

/** Opens a stream, subscribes to `topic` as a guest, runs `act` and returns the stream's text up to the first event after PB_CONNECT. */
async function realtimeFrame(world: World, topic: string, act: () => Promise<unknown>): Promise<string> {
  const stream: RawStream = await openRawStream(world.server.url)
  try {
    const answer = await postRealtime(world.server.url, { clientId: stream.clientId, subscriptions: [topic] })
    if (answer.status !== 204) throw new Error(`subscribe answered ${answer.status}: ${answer.text}`)
    const connect = stream.reader.text
    await act()
    await stream.reader.until((text) => text.length > connect.length && text.endsWith("\n\n"), `an event on ${topic}`)
    return stream.reader.text
  } finally {
    await stream.close()
  }
}

const KINDS = "/api/collections/kinds/records"
const MEMBERS = "/api/collections/members/records"
const memberLogin = { identity: "hidden@example.com", password: MEMBER_PASSWORD }

const SHAPES: Shape[] = [
  { name: "health", request: (w) => send(w, "GET", "/api/health") },
  { name: "health as superuser", request: (w) => asAdmin(w, "GET", "/api/health"), compare: "unordered" },
  { name: "base collection with every field type", request: (w) => asAdmin(w, "GET", "/api/collections/kinds") },
  { name: "auth collection with every auth option", request: (w) => asAdmin(w, "GET", "/api/collections/members") },
  { name: "default users collection", request: (w) => asAdmin(w, "GET", "/api/collections/users") },
  { name: "superusers collection", request: (w) => asAdmin(w, "GET", "/api/collections/_superusers") },
  { name: "view collection", request: (w) => asAdmin(w, "GET", "/api/collections/team_names"), compare: "keys" },
  { name: "collections list", request: (w) => asAdmin(w, "GET", "/api/collections?filter=name~'kinds'||name='members'&sort=name") },
  { name: "system collections", request: (w) => asAdmin(w, "GET", "/api/collections?filter=system=true&sort=name") },
  { name: "collection create", request: (w) => asAdmin(w, "POST", "/api/collections", { name: "notes", fields: [{ name: "text", type: "text" }, { name: "score", type: "number" }] }) },
  { name: "collection update", request: (w) => asAdmin(w, "PATCH", "/api/collections/notes", { listRule: "", mfa: { duration: 1000 } }) },
  { name: "collection scaffolds", request: (w) => asAdmin(w, "GET", "/api/collections/meta/scaffolds"), compare: "unordered-top" },
  { name: "record view (guest)", request: (w) => send(w, "GET", `${KINDS}/${w.kindId}`) },
  { name: "record view with hidden field (superuser)", request: (w) => asAdmin(w, "GET", `${KINDS}/${w.kindId}`) },
  { name: "record list with expand", request: (w) => send(w, "GET", `${KINDS}?expand=teams,team`) },
  { name: "record list skipTotal", request: (w) => send(w, "GET", "/api/collections/teams/records?sort=name&skipTotal=1") },
  { name: "record list with an expand the guest may not see", request: (w) => send(w, "GET", "/api/collections/teams/records?sort=name&expand=vault") },
  { name: "record list with an expand the superuser sees", request: (w) => asAdmin(w, "GET", "/api/collections/teams/records?sort=name&expand=vault") },
  { name: "record list with back-relation expand", request: (w) => send(w, "GET", "/api/collections/teams/records?sort=name&expand=members_via_team,kinds_via_team.teams") },
  { name: "record with fields=", request: (w) => send(w, "GET", `${KINDS}/${w.kindId}?fields=title,count,meta,expand.team.name&expand=team`), compare: "unordered" },
  { name: "record list with fields=", request: (w) => send(w, "GET", `${KINDS}?fields=*,content:excerpt(3,true)`), compare: "unordered" },
  { name: "view collection records", request: (w) => send(w, "GET", "/api/collections/team_names/records?sort=name") },
  { name: "auth records as guest (email visibility)", request: (w) => send(w, "GET", `${MEMBERS}?sort=name`) },
  { name: "auth record as itself", request: (w) => send(w, "GET", `${MEMBERS}/${w.hiddenMemberId}`, { token: w.memberToken }) },
  { name: "record create (JSON body, json field as object)", request: (w) => send(w, "POST", KINDS, { body: { title: "second", count: 0.30000000000000004, whole: -9007199254740993, meta: { z: [{ y: 1, b: 2 }], a: "x", n: [1e21, 1e-7, 2.5, -1] }, where: { lat: 1, lon: 2 } } }) },
  { name: "400 integer past int64", request: (w) => send(w, "POST", KINDS, { body: { title: "big", whole: 1e21 } }) },
  { name: "record update keeps the json field text order", request: (w) => asAdmin(w, "PATCH", `${KINDS}/${w.kindId}`, { count: 43 }) },
  { name: "auth-with-password", request: (w) => send(w, "POST", "/api/collections/members/auth-with-password", { body: memberLogin }) },
  { name: "auth-with-password with expand", request: (w) => send(w, "POST", "/api/collections/members/auth-with-password?expand=team", { body: memberLogin }) },
  { name: "superuser auth-with-password", request: (w) => send(w, "POST", "/api/collections/_superusers/auth-with-password", { body: { identity: SUPERUSER_EMAIL, password: SUPERUSER_PASSWORD } }) },
  { name: "auth-refresh", request: (w) => send(w, "POST", "/api/collections/members/auth-refresh", { token: w.memberToken }) },
  { name: "impersonate", request: (w) => asAdmin(w, "POST", `/api/collections/members/impersonate/${w.visibleMemberId}?expand=team`, { duration: 100 }) },
  { name: "auth-methods", request: (w) => send(w, "GET", "/api/collections/members/auth-methods") },
  { name: "auth-methods with MFA and OTP", request: (w) => send(w, "GET", "/api/collections/agents/auth-methods") },
  { name: "auth collection with MFA and OTP", request: (w) => asAdmin(w, "GET", "/api/collections/agents") },
  { name: "file token", request: (w) => send(w, "POST", "/api/files/token", { token: w.memberToken }) },
  { name: "400 with field errors", request: (w) => send(w, "POST", KINDS, { body: { count: -1, mail: "x@other.org", color: "blue", title: "" } }) },
  {
    name: "400 invalid collection (nested errors, 10 before 2)",
    request: (w) => asAdmin(w, "POST", "/api/collections", { name: "", fields: Array.from({ length: 11 }, (_, i) => (i === 9 ? { name: "f9", type: "relation" } : { name: i === 1 ? "" : `f${i}`, type: "text" })) }),
  },
  { name: "400 failed login", request: (w) => send(w, "POST", "/api/collections/members/auth-with-password", { body: { identity: "hidden@example.com", password: "wrong-password" } }) },
  { name: "401 collections as guest", request: (w) => send(w, "GET", "/api/collections") },
  { name: "403 superuser-only action", request: (w) => send(w, "DELETE", `${MEMBERS}/${w.visibleMemberId}`) },
  { name: "404 missing record", request: (w) => send(w, "GET", `${KINDS}/missingmissingm`) },
  { name: "404 missing collection", request: (w) => send(w, "GET", "/api/collections/nope/records") },
  // pocketbun's message says what is wrong with the filter (a deliberate difference), so only the keys are compared.
  { name: "400 invalid filter", request: (w) => send(w, "GET", `${KINDS}?filter=${encodeURIComponent("title ~~ 'x'")}`), compare: "keys" },
  { name: "404 realtime subscribe with an unknown client", request: (w) => send(w, "POST", "/api/realtime", { body: { clientId: "nobody", subscriptions: ["teams"] } }) },
  { name: "realtime create event", request: (w) => realtimeFrame(w, "teams", () => send(w, "POST", "/api/collections/teams/records", { body: { name: "Delta", rank: 4 } })) },
  { name: "realtime auth record event (email visibility)", request: (w) => realtimeFrame(w, "members/*", () => asAdmin(w, "PATCH", `${MEMBERS}/${w.hiddenMemberId}`, { name: "Hidden 2" })) },
  {
    name: "realtime delete event",
    request: async (w) => {
      const { id } = (await (await send(w, "POST", "/api/collections/teams/records", { body: { name: "Gone" } })).json()) as { id: string }
      return realtimeFrame(w, "teams/*", () => send(w, "DELETE", `/api/collections/teams/records/${id}`))
    },
  },
  { name: "realtime event with expand", request: (w) => realtimeFrame(w, `kinds/*?options=${encodeURIComponent(JSON.stringify({ query: { expand: "team,teams" } }))}`, () => asAdmin(w, "PATCH", `${KINDS}/${w.kindId}`, { flag: false })) },
  {
    // PocketBase has no login throttle by default, so its rate limiter stands in for ours; last, as it stays on.
    name: "429 too many requests",
    request: async (w) => {
      const login = () => send(w, "POST", "/api/collections/members/auth-with-password", { body: { identity: "throttled@example.com", password: "wrong-password" } })
      if (w.server.name === "pocketbase") {
        await asAdmin(w, "PATCH", "/api/settings", { rateLimits: { enabled: true, rules: [{ label: "/api/collections/members/auth-with-password", maxRequests: 1, duration: 60 }] } })
      }
      for (let attempt = 0; attempt < 30; attempt++) {
        const answer = await login()
        if (answer.status === 429) return answer
      }
      throw new Error("no 429 after 30 failed logins")
    },
  },
]

/** The masked answer: status and body text, or the raw SSE text. */
async function rawAnswer(shape: Shape, world: World): Promise<string> {
  const answer = await shape.request(world)
  if (typeof answer === "string") return maskRandom(answer)
  return `${answer.status} ${maskRandom(await answer.text())}`
}

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep)
  if (value === null || typeof value !== "object") return value
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return entries.map(([key, item]) => [key, sortedDeep(item)])
}

function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrder)
  if (value === null || typeof value !== "object") return "."
  return Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, keyOrder(item)])
}

/** What is compared for `answer` (status first, then the body as `compare` says). */
function comparable(answer: string, compare: Comparison): unknown {
  if (compare === "bytes") return answer
  const space = answer.indexOf(" ")
  const status = answer.slice(0, space)
  const body: unknown = JSON.parse(answer.slice(space + 1))
  if (compare === "unordered") return { status, body: sortedDeep(body) }
  if (compare === "keys") return { status, keys: keyOrder(body) }
  const members = Object.entries(body as Record<string, unknown>).map(([key, item]) => `${key}=${JSON.stringify(item)}`)
  return { status, members: members.sort() }
}

const reference = referenceExecutable()
const runs = reference.path !== null || process.env.CI === "true"
if (!runs) console.log(`skipping the JSON key order test: ${reference.reason}`)

describe.skipIf(!runs)("JSON on the wire: pocketbun vs PocketBase", () => {
  let ours: World
  let theirs: World

  beforeAll(async () => {
    const [a, b] = await Promise.all([startPocketbun(), startReference()])
    ;[ours, theirs] = await Promise.all([seed(a), seed(b)])
  }, 60_000)
  afterAll(async () => {
    await Promise.all([ours?.server.stop(), theirs?.server.stop()])
  })

  it("covers at least 20 response shapes", () => {
    expect(SHAPES.length).toBeGreaterThanOrEqual(20)
    expect(new Set(SHAPES.map((shape) => shape.name)).size).toBe(SHAPES.length)
  })

  it("masks only random values", () => {
    expect(maskRandom('{"id":"abcdefghij12345","created":"2024-01-02 03:04:05.678Z","name":"abcdefghij12345x"}')).toBe('{"id":"<id>","created":"<date>","name":"abcdefghij12345x"}')
  })

  for (const shape of SHAPES) {
    it(shape.name, async () => {
      // Sequential, so each server sees the same history.
      const theirsText = await rawAnswer(shape, theirs)
      const oursText = await rawAnswer(shape, ours)
      const compare = shape.compare ?? "bytes"
      expect(comparable(oursText, compare)).toEqual(comparable(theirsText, compare))
    })
  }
})
