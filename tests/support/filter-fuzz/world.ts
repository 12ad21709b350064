/**
 * @module
 * The seeded world of the filter fuzzer: five collections that between them hold every field type
 * the filter language reads (text, editor, number, bool, date, select, multi-select, json, email,
 * url, geoPoint, single and multi relations, a hidden field, an auth collection), with values
 * chosen to sit on the language's edges (empty values, escapes, LIKE wildcards, case, unicode,
 * numeric text, JSON of every shape). Ids are fixed so two servers can be compared id by id.
 */
import type PocketBase from "pocketbase"
import type { TestServer } from "../servers.ts"

export const MEMBER_PASSWORD = "member-password-1"

/** A 15-character id made of a prefix and a counter. */
const rid = (prefix: string, n: number): string => `${prefix}${String(n).padStart(15 - prefix.length, "0")}`

export const MEMBERS = [
  { id: rid("mem", 1), email: "ann@example.com", name: "Ann", role: "admin", emailVisibility: true },
  { id: rid("mem", 2), email: "Bob@Example.com", name: "bob", role: "member", emailVisibility: false },
  { id: rid("mem", 3), email: "cy@example.com", name: "", role: "member", emailVisibility: true },
]

const OWNERS = [
  { id: rid("own", 1), name: "Acme", code: 1, boss: MEMBERS[0]!.id },
  { id: rid("own", 2), name: "acme", code: 2.5, boss: MEMBERS[1]!.id },
  { id: rid("own", 3), name: "01-15", code: 0, boss: "" },
  { id: rid("own", 4), name: "", code: -7, boss: MEMBERS[2]!.id },
]

const TAGS = [
  { id: rid("tag", 1), name: "red", weight: 1, secret: "s1" },
  { id: rid("tag", 2), name: "Blue", weight: 0, secret: "" },
  { id: rid("tag", 3), name: "a\\b", weight: -2, secret: "s3" },
  { id: rid("tag", 4), name: "", weight: 5, secret: "s4" },
]

const TITLES = ["Alpha", "alpha", "BETA", "a\\b", "50%", "under_score", "it's", 'say "hi"', "", "Ümlaut", "日本語", " spaced ", "a", "10", "1.0", "-3", "null", "true", "%", "_", "line\nbreak", "01-15", "A\\B"]
const RANKS = [0, 1, -1, 2.5, -29.25, 100, 10, 1e6, 3, -0.5]
const DATES = ["", "2024-01-15 10:00:00.000Z", "2023-12-31 23:59:59.999Z", "2030-06-01 00:00:00.000Z", "2020-02-29 12:30:45.123Z", "1999-01-15 00:00:00.000Z"]
const JSONS: unknown[] = [null, { a: 1 }, { a: "x" }, { a: { b: [1, 2] } }, [1, 2, 3], "str", 42, true, { a: null }, { a: "A\\b", name: "x" }, [{ name: "x" }], { a: [] }, "", { a: 2.5, b: "01-15" }, false, 0]
const KINDS = ["", "x", "y", "z"]
const FLAGS = [[], ["a"], ["a", "b"], ["c"], ["b", "c", "a"]]
const MAILS = ["", "x@example.com", "Upper@Example.com"]
const SITES = ["", "https://a.example/x?y=1", "http://b.example/%25"]
const LOCATIONS = [{ lon: 0, lat: 0 }, { lon: 23.3, lat: 42.7 }, { lon: -73.9, lat: 40.7 }, { lon: 139.7, lat: 35.7 }]
const BODIES = ["", "<p>hello</p>", "plain", "x_y%z"]

/** Number of items seeded. */
export const ITEM_COUNT = 30

/** The i-th item: every field cycles through its pool at a different stride, so combinations vary. */
function item(i: number): Record<string, unknown> {
  const pick = <T,>(pool: readonly T[], stride: number): T => pool[(i * stride + Math.floor(i / pool.length)) % pool.length]!
  const tagCount = i % 4
  return {
    id: rid("item", i + 1),
    title: pick(TITLES, 1),
    body: pick(BODIES, 3),
    rank: pick(RANKS, 3),
    active: i % 3 === 0,
    due: pick(DATES, 5),
    kind: pick(KINDS, 3),
    flags: pick(FLAGS, 2),
    j: pick(JSONS, 7),
    mail: pick(MAILS, 2),
    site: pick(SITES, 5),
    loc: pick(LOCATIONS, 3),
    owner: i % 5 === 4 ? "" : OWNERS[i % OWNERS.length]!.id,
    tags: Array.from({ length: tagCount }, (_, k) => TAGS[(i + k * 3) % TAGS.length]!.id).filter((v, k, all) => all.indexOf(v) === k),
    member: i % 4 === 3 ? "" : MEMBERS[i % MEMBERS.length]!.id,
  }
}

/** Ids of every item, in creation order. */
export const ITEM_IDS = Array.from({ length: ITEM_COUNT }, (_, i) => rid("item", i + 1))

const NOTES = Array.from({ length: 12 }, (_, i) => ({
  id: rid("note", i + 1),
  item: ITEM_IDS[(i * 7) % ITEM_COUNT],
  text: ["", "hi", "Alpha", "a\\b", "%"][i % 5],
  pinned: i % 2 === 0,
  stars: [0, 1, 5, -1][i % 4],
}))

/** Creates the world's collections and records through the superuser API. */
export async function seedWorld(server: TestServer): Promise<void> {
  const admin = server.admin
  const field = (name: string, type: string, extra: Record<string, unknown> = {}) => ({ name, type, ...extra })
  const relation = (name: string, collectionId: string, maxSelect = 1) => field(name, "relation", { collectionId, maxSelect })
  const create = (name: string, listRule: string, fields: unknown[], extra: Record<string, unknown> = {}) =>
    admin.collections.create({ name, listRule, fields, ...extra })
  const members = await create("members", "id = @request.auth.id || role = 'admin'",
    [field("name", "text"), field("role", "select", { values: ["admin", "member"], maxSelect: 1 })], { type: "auth", viewRule: "" })
  const owners = await create("owners", "", [field("name", "text"), field("code", "number"), relation("boss", members.id)])
  const tags = await create("tags", "weight >= 0", [field("name", "text"), field("weight", "number"), field("secret", "text", { hidden: true })])
  const items = await create("items", "", [
    field("title", "text"), field("body", "editor"), field("rank", "number"), field("active", "bool"), field("due", "date"),
    field("kind", "select", { values: ["x", "y", "z"], maxSelect: 1 }), field("flags", "select", { values: ["a", "b", "c"], maxSelect: 3 }),
    field("j", "json"), field("mail", "email"), field("site", "url"), field("loc", "geoPoint"),
    relation("owner", owners.id), relation("tags", tags.id, 5), relation("member", members.id),
  ])
  await create("notes", "", [relation("item", items.id), field("text", "text"), field("pinned", "bool"), field("stars", "number")])
  for (const member of MEMBERS) {
    await admin.collection("members").create({ ...member, password: MEMBER_PASSWORD, passwordConfirm: MEMBER_PASSWORD, verified: true })
  }
  await createAll(admin, "owners", OWNERS)
  await createAll(admin, "tags", TAGS)
  await createAll(admin, "items", Array.from({ length: ITEM_COUNT }, (_, i) => item(i)))
  await createAll(admin, "notes", NOTES)
}

async function createAll(admin: PocketBase, collection: string, records: Record<string, unknown>[]): Promise<void> {
  for (const record of records) await admin.collection(collection).create(record)
}

/** Signs in the first two members; returns their tokens. */
export async function memberTokens(server: TestServer): Promise<string[]> {
  const tokens: string[] = []
  for (const member of MEMBERS.slice(0, 2)) {
    const pb = server.client()
    await pb.collection("members").authWithPassword(member.email, MEMBER_PASSWORD)
    tokens.push(pb.authStore.token)
  }
  return tokens
}
