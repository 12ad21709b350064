/**
 * @module
 * Shared fixture for the filter tests: a few collections in PocketBase's JSON shape, their tables
 * in an in-memory bun:sqlite database and some rows.
 */
import { Database } from "bun:sqlite"
import type { Collection, Field, FieldType, RecordData, RequestInfo } from "../../../src/core/types.ts"
import type { SchemaLookup } from "../../../src/filter/schema.ts"

const field = (name: string, type: FieldType, extra: Partial<Field> = {}): Field =>
  ({ id: `${type}_${name}`, name, type, system: false, hidden: false, presentable: false, ...extra })

const collection = (id: string, name: string, fields: Field[], extra: Partial<Collection> = {}): Collection => ({
  id, name, type: "base", system: false, fields: [field("id", "text", { primaryKey: true }), ...fields], indexes: [],
  listRule: "", viewRule: "", createRule: null, updateRule: null, deleteRule: null, created: "", updated: "", ...extra,
})

export const users = collection("_pb_users_auth_", "users", [
  field("password", "password", { hidden: true }), field("tokenKey", "text", { hidden: true }),
  field("email", "email"), field("emailVisibility", "bool"), field("verified", "bool"),
  field("name", "text"), field("role", "select", { maxSelect: 1, values: ["admin", "user"] }),
  field("team", "relation", { collectionId: "pbc_teams", maxSelect: 1 }),
], { type: "auth" })
export const teams = collection("pbc_teams", "teams", [field("name", "text"), field("owner", "relation", { collectionId: "_pb_users_auth_", maxSelect: 1 })])
export const tags = collection("pbc_tags", "tags", [field("name", "text"), field("weight", "number")])
export const notes = collection("pbc_notes", "notes", [field("text", "text"), field("visible", "bool")], { listRule: "visible = true" })
export const vault = collection("pbc_vault", "vault", [field("text", "text")], { listRule: null })
export const posts = collection("pbc_posts", "posts", [
  field("title", "text"), field("body", "editor"), field("views", "number"), field("published", "bool"),
  field("data", "json"), field("location", "geoPoint"), field("status", "select", { maxSelect: 1, values: ["draft", "live"] }),
  field("labels", "select", { maxSelect: 5, values: ["a", "b", "c"] }),
  field("author", "relation", { collectionId: "_pb_users_auth_", maxSelect: 1 }),
  field("tags", "relation", { collectionId: "pbc_tags", maxSelect: 10 }),
  field("note", "relation", { collectionId: "pbc_notes", maxSelect: 1 }),
  field("vault", "relation", { collectionId: "pbc_vault", maxSelect: 1 }),
  field("created", "date"), field("code", "text"), field("secret", "text", { hidden: true }),
])
export const comments = collection("pbc_comments", "comments", [
  field("post", "relation", { collectionId: "pbc_posts", maxSelect: 1 }), field("body", "text"),
  field("author", "relation", { collectionId: "_pb_users_auth_", maxSelect: 1 }),
])
export const likes = collection("pbc_likes", "likes", [field("posts", "relation", { collectionId: "pbc_posts", maxSelect: 9 })])
export const profiles = collection("pbc_profiles", "profiles", [field("user", "relation", { collectionId: "_pb_users_auth_", maxSelect: 1 }), field("bio", "text")],
  { indexes: ["CREATE UNIQUE INDEX `idx_profiles_user` ON `profiles` (`user`)"] })

export const ALL = [users, teams, tags, notes, vault, posts, comments, likes, profiles]

/** Case-insensitive name or exact id lookup, like the records layer will provide. */
export const schema: SchemaLookup = {
  findCollection: (nameOrId) => ALL.find((c) => c.id === nameOrId || c.name.toLowerCase() === nameOrId.toLowerCase()),
}

/** Rows per collection, decoded (arrays and json values as JS values), like RecordData. */
export const ROWS: Record<string, RecordData[]> = {
  users: [
    { id: "u1", password: "h1", tokenKey: "k1", email: "a@x.com", emailVisibility: true, verified: true, name: "Ann", role: "admin", team: "tm1" },
    { id: "u2", password: "h2", tokenKey: "k2", email: "b@x.com", emailVisibility: false, verified: false, name: "Bob", role: "user", team: "" },
    { id: "u3", password: "h3", tokenKey: "k3", email: "c@x.com", emailVisibility: true, verified: false, name: "", role: "", team: "tm2" },
  ],
  teams: [{ id: "tm1", name: "Red", owner: "u1" }, { id: "tm2", name: "Blue", owner: "u2" }],
  tags: [{ id: "t1", name: "news", weight: 1 }, { id: "t2", name: "tech", weight: 2 }, { id: "t3", name: "life", weight: 3 }],
  notes: [{ id: "n1", text: "shown", visible: true }, { id: "n2", text: "hidden", visible: false }],
  vault: [{ id: "v1", text: "gold" }],
  posts: [
    { id: "p1", title: "Hello World", body: "", views: 10, published: true, data: { a: 1, items: [{ name: "x" }], s: "str" },
      location: { lon: 23.32, lat: 42.69 }, status: "draft", labels: ["a", "b"], author: "u1", tags: ["t1", "t2"], note: "n1", vault: "v1",
      created: "2024-01-01 10:00:00.000Z", code: "1", secret: "s1" },
    { id: "p2", title: "100% off_sale", body: "<p>x</p>", views: 0, published: false, data: null, location: { lon: 0, lat: 0 },
      status: "", labels: [], author: "", tags: [], note: "n2", vault: "", created: "2025-06-01 00:00:00.000Z", code: "1.0", secret: "" },
    { id: "p3", title: "back\\slash", body: "b", views: 5.5, published: true, data: "plain", location: { lon: 23.3, lat: 42.7 },
      status: "live", labels: ["b"], author: "u2", tags: ["t2"], note: "", vault: "", created: "", code: "", secret: "" },
    { id: "p4", title: "", body: "", views: -3, published: false, data: [1, 2, 3], location: { lon: -73.98, lat: 40.75 },
      status: "live", labels: ["a"], author: "u1", tags: ["t1", "t3"], note: "", vault: "", created: "2030-01-01 00:00:00.000Z", code: "abc", secret: "" },
    { id: "p5", title: "Ünïcode ÄB_x", body: "", views: 100, published: true, data: { a: "1", n: null }, location: { lon: 0, lat: 0 },
      status: "draft", labels: ["c", "a"], author: "u3", tags: ["t3"], note: "", vault: "", created: "2024-12-31 23:59:59.999Z", code: "5", secret: "" },
  ],
  comments: [
    { id: "c1", post: "p1", body: "great", author: "u2" }, { id: "c2", post: "p1", body: "meh", author: "u1" },
    { id: "c3", post: "p3", body: "ok", author: "u1" },
  ],
  likes: [{ id: "l1", posts: ["p1", "p2"] }, { id: "l2", posts: ["p1"] }],
  profiles: [{ id: "pr1", user: "u1", bio: "hi" }],
}

function columnType(f: Field): string {
  switch (f.type) {
    case "number": return "NUMERIC DEFAULT 0 NOT NULL"
    case "bool": return "BOOLEAN DEFAULT FALSE NOT NULL"
    case "json": return "JSON DEFAULT NULL"
    case "geoPoint": return `JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL`
    case "select": case "relation": case "file":
      return (f.maxSelect ?? 0) > 1 ? "JSON DEFAULT '[]' NOT NULL" : "TEXT DEFAULT '' NOT NULL"
    default: return f.name === "id" ? "TEXT PRIMARY KEY NOT NULL" : "TEXT DEFAULT '' NOT NULL"
  }
}

/** Encodes one decoded value into its stored column form. */
export function storeValue(f: Field, value: unknown): string | number | null {
  if (f.type === "json") return value === null || value === undefined ? null : JSON.stringify(value)
  if (typeof value === "boolean") return value ? 1 : 0
  if (Array.isArray(value) || (value !== null && typeof value === "object")) return JSON.stringify(value)
  return value as string | number | null
}

/** A fresh in-memory database with every fixture collection and row. */
export function createDatabase(): Database {
  const db = new Database(":memory:")
  for (const c of ALL) {
    db.run(`CREATE TABLE \`${c.name}\` (${c.fields.map((f) => `\`${f.name}\` ${columnType(f)}`).join(", ")})`)
    for (const index of c.indexes) db.run(index)
    for (const row of ROWS[c.name] ?? []) {
      const cols = c.fields.filter((f) => f.name in row)
      db.query(`INSERT INTO \`${c.name}\` (${cols.map((f) => `\`${f.name}\``).join(",")}) VALUES (${cols.map(() => "?").join(",")})`)
        .run(...cols.map((f) => storeValue(f, row[f.name])))
    }
  }
  return db
}

/** A request as a realtime or REST caller would pass it. */
export function makeRequest(partial: Partial<RequestInfo> = {}): RequestInfo {
  return { auth: null, context: "default", method: "GET", query: {}, headers: {}, body: {}, ...partial }
}

/** The request of user `id` (a users record). */
export const authAs = (id: string, extra: Partial<RequestInfo> = {}): RequestInfo =>
  makeRequest({ auth: { record: ROWS.users!.find((u) => u.id === id)!, collection: users }, ...extra })
