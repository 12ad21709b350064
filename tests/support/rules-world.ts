/**
 * @module
 * A small world for API-rule suites: users with a manageRule (alice is an admin, bob and carol are
 * members), and one collection per rule kind — owner (`notes`), multi-relation (`projects`),
 * relation paths (`tasks`), `@collection` (`teams`/`memberships`), `@request.body` modifiers
 * (`profiles`), back-relations (`posts`/`comments`), `@request.query/headers/method` (`bulletins`)
 * and `@request.context` (`labels`). Ids are fixed so that two servers can be compared id by id.
 */
import PocketBase, { ClientResponseError } from "pocketbase"
import type { TestServer } from "./servers.ts"

export const PASSWORD = "password123"

/** A 15-character record id made of a lower-case prefix and a counter. */
export const rid = (prefix: string, n = 1): string => `${prefix}${String(n).padStart(15 - prefix.length, "0")}`

export const USERS = {
  alice: { id: rid("alice"), email: "alice@example.com", role: "admin", emailVisibility: false },
  bob: { id: rid("bob"), email: "bob@example.com", role: "member", emailVisibility: false },
  carol: { id: rid("carol"), email: "carol@example.com", role: "member", emailVisibility: true },
  dave: { id: rid("dave"), email: "dave@example.com", role: "member", emailVisibility: false },
} as const

export type UserName = keyof typeof USERS
export type Actor = "guest" | "alice" | "bob" | "carol"

/** The fixed record ids of the world, by collection. */
export const IDS = {
  notes: { a1: rid("notea", 1), a2: rid("notea", 2), b1: rid("noteb", 1) },
  projects: { p1: rid("proj", 1), p2: rid("proj", 2), p3: rid("proj", 3) },
  tasks: { t1: rid("task", 1), t2: rid("task", 2), t3: rid("task", 3) },
  teams: { x: rid("teamx"), y: rid("teamy"), z: rid("teamz") },
  memberships: { ax: rid("mship", 1), bx: rid("mship", 2), by: rid("mship", 3), cz: rid("mship", 4) },
  profiles: { a: rid("profa"), b: rid("profb") },
  posts: { p1: rid("post", 1), p2: rid("post", 2) },
  comments: { c1: rid("comment", 1) },
  bulletins: { b1: rid("bull", 1), b2: rid("bull", 2) },
  labels: { l1: rid("label", 1) },
} as const

/** The rules of the world, named so tests can quote them. */
export const RULES = {
  owner: "owner = @request.auth.id",
  ownerCreate: '@request.auth.id != "" && owner = @request.auth.id',
  member: "members.id ?= @request.auth.id",
  projectCreate: '@request.auth.id != "" && owner = @request.auth.id && @request.body.members:length > 0 && @request.body.members:length <= 3 && @request.body.tags:each != "banned"',
  projectUpdate: "members.id ?= @request.auth.id && @request.body.owner:isset = false",
  taskView: "project.members.id ?= @request.auth.id",
  taskOwner: "project.owner = @request.auth.id",
  taskUpdate: "project.owner = @request.auth.id || (project.members.id ?= @request.auth.id && @request.body.title:changed = false)",
  teamMember: "@collection.memberships.user ?= @request.auth.id && @collection.memberships.team ?= id",
  teamAdmin: '@collection.memberships.user ?= @request.auth.id && @collection.memberships.team ?= id && @collection.memberships.role ?= "admin"',
  profileCreate: '@request.auth.id != "" && user = @request.auth.id && @request.body.role:isset = false',
  profileUpdate: "user = @request.auth.id && @request.body.role:isset = false && @request.body.user:changed = false",
  postView: "author = @request.auth.id || comments_via_post.author ?= @request.auth.id",
  bulletinList: '@request.query.key = "open" || @request.headers.x_secret = "s3cret"',
  bulletinView: '@request.method = "GET" && @request.context = "default"',
  bulletinCreate: '@request.method = "POST" && @request.query.token = "abc"',
  bulletinUpdate: '@request.method = "PATCH" && @request.headers.x_secret = "s3cret"',
  labelView: '@request.context = "expand"',
  userCreate: "@request.body.role:isset = false",
  userUpdate: 'id = @request.auth.id || @request.auth.role = "admin"',
  userManage: '@request.auth.role = "admin"',
} as const

/** SDK clients for each actor, signed in where they are users. */
export type Clients = Record<Actor, PocketBase>

const relation = (name: string, collectionId: string, maxSelect = 1) => ({ name, type: "relation", collectionId, maxSelect })

/** Creates the schema and the records of the world through the superuser client. */
export async function createWorld(server: TestServer): Promise<void> {
  try {
    await buildWorld(server)
  } catch (error) {
    if (error instanceof ClientResponseError) throw new Error(`world setup failed on ${server.name}: ${error.url} ${JSON.stringify(error.response)}`)
    throw error
  }
}

async function buildWorld(server: TestServer): Promise<void> {
  const admin = server.admin
  const users = await admin.collections.getOne("users")
  await admin.collections.update("users", {
    fields: [
      ...users.fields,
      { name: "role", type: "select", values: ["member", "admin"], maxSelect: 1 },
      { name: "secret", type: "text", hidden: true },
    ],
    listRule: "",
    viewRule: "",
    createRule: RULES.userCreate,
    updateRule: RULES.userUpdate,
    deleteRule: "id = @request.auth.id",
    manageRule: RULES.userManage,
  })
  for (const [name, user] of Object.entries(USERS)) {
    await admin.collection("users").create({ ...user, name, secret: `${name}-secret`, password: PASSWORD, passwordConfirm: PASSWORD, verified: true })
  }

  const labels = await admin.collections.create({ name: "labels", listRule: null, viewRule: RULES.labelView, fields: [{ name: "name", type: "text" }] })
  await admin.collections.create({
    name: "notes",
    listRule: RULES.owner, viewRule: RULES.owner, createRule: RULES.ownerCreate, updateRule: RULES.owner, deleteRule: RULES.owner,
    fields: [{ name: "title", type: "text" }, relation("owner", "_pb_users_auth_"), relation("label", labels.id)],
  })
  const projects = await admin.collections.create({
    name: "projects",
    listRule: RULES.member, viewRule: RULES.member, createRule: RULES.projectCreate, updateRule: RULES.projectUpdate, deleteRule: RULES.owner,
    fields: [
      { name: "title", type: "text" },
      relation("owner", "_pb_users_auth_"),
      relation("members", "_pb_users_auth_", 10),
      { name: "tags", type: "select", values: ["red", "green", "banned"], maxSelect: 3 },
    ],
  })
  await admin.collections.create({
    name: "tasks",
    listRule: RULES.taskView, viewRule: RULES.taskView, createRule: RULES.taskOwner, updateRule: RULES.taskUpdate, deleteRule: RULES.taskOwner,
    fields: [{ name: "title", type: "text" }, { name: "done", type: "bool" }, relation("project", projects.id)],
  })
  const teams = await admin.collections.create({ name: "teams", fields: [{ name: "name", type: "text" }] })
  await admin.collections.create({
    name: "memberships",
    listRule: "user = @request.auth.id", viewRule: "user = @request.auth.id",
    fields: [relation("user", "_pb_users_auth_"), relation("team", teams.id), { name: "role", type: "select", values: ["member", "admin"], maxSelect: 1 }],
  })
  await admin.collections.update("teams", { listRule: RULES.teamMember, viewRule: RULES.teamMember, createRule: '@request.auth.id != ""', updateRule: RULES.teamAdmin, deleteRule: null })
  await admin.collections.create({
    name: "profiles",
    listRule: "", viewRule: "", createRule: RULES.profileCreate, updateRule: RULES.profileUpdate, deleteRule: "user = @request.auth.id",
    fields: [relation("user", "_pb_users_auth_"), { name: "role", type: "text" }, { name: "bio", type: "text" }],
  })
  const posts = await admin.collections.create({
    name: "posts",
    fields: [{ name: "title", type: "text" }, relation("author", "_pb_users_auth_")],
  })
  await admin.collections.create({
    name: "comments",
    listRule: "", viewRule: "", createRule: '@request.auth.id != "" && author = @request.auth.id', updateRule: "author = @request.auth.id", deleteRule: "author = @request.auth.id",
    fields: [{ name: "body", type: "text" }, relation("post", posts.id), relation("author", "_pb_users_auth_")],
  })
  // The back-relation rule can only be saved once `comments` exists.
  await admin.collections.update("posts", { listRule: RULES.postView, viewRule: RULES.postView, createRule: '@request.auth.id != ""', updateRule: "author = @request.auth.id", deleteRule: "author = @request.auth.id" })
  await admin.collections.create({
    name: "bulletins",
    listRule: RULES.bulletinList, viewRule: RULES.bulletinView, createRule: RULES.bulletinCreate, updateRule: RULES.bulletinUpdate, deleteRule: '@request.headers.x_secret = "s3cret"',
    fields: [{ name: "title", type: "text" }],
  })

  const { alice, bob, carol } = USERS
  const seed: Array<[string, Record<string, unknown>]> = [
    ["labels", { id: IDS.labels.l1, name: "urgent" }],
    ["notes", { id: IDS.notes.a1, title: "alice one", owner: alice.id, label: IDS.labels.l1 }],
    ["notes", { id: IDS.notes.a2, title: "alice two", owner: alice.id }],
    ["notes", { id: IDS.notes.b1, title: "bob one", owner: bob.id }],
    ["projects", { id: IDS.projects.p1, title: "p1", owner: alice.id, members: [alice.id, bob.id], tags: ["red"] }],
    ["projects", { id: IDS.projects.p2, title: "p2", owner: bob.id, members: [bob.id] }],
    ["projects", { id: IDS.projects.p3, title: "p3", owner: carol.id, members: [carol.id, alice.id] }],
    ["tasks", { id: IDS.tasks.t1, title: "t1", project: IDS.projects.p1 }],
    ["tasks", { id: IDS.tasks.t2, title: "t2", project: IDS.projects.p2 }],
    ["tasks", { id: IDS.tasks.t3, title: "t3", project: IDS.projects.p3 }],
    ["teams", { id: IDS.teams.x, name: "x" }],
    ["teams", { id: IDS.teams.y, name: "y" }],
    ["teams", { id: IDS.teams.z, name: "z" }],
    ["memberships", { id: IDS.memberships.ax, user: alice.id, team: IDS.teams.x, role: "admin" }],
    ["memberships", { id: IDS.memberships.bx, user: bob.id, team: IDS.teams.x, role: "member" }],
    ["memberships", { id: IDS.memberships.by, user: bob.id, team: IDS.teams.y, role: "admin" }],
    ["memberships", { id: IDS.memberships.cz, user: carol.id, team: IDS.teams.z, role: "admin" }],
    ["profiles", { id: IDS.profiles.a, user: alice.id, role: "staff", bio: "hi" }],
    ["profiles", { id: IDS.profiles.b, user: bob.id, bio: "yo" }],
    ["posts", { id: IDS.posts.p1, title: "by alice", author: alice.id }],
    ["posts", { id: IDS.posts.p2, title: "by carol", author: carol.id }],
    ["comments", { id: IDS.comments.c1, body: "bob was here", post: IDS.posts.p2, author: bob.id }],
    ["bulletins", { id: IDS.bulletins.b1, title: "one" }],
    ["bulletins", { id: IDS.bulletins.b2, title: "two" }],
  ]
  for (const [collection, record] of seed) await admin.collection(collection).create(record)
}

/** A guest client plus signed-in clients for alice, bob and carol. */
export async function signIn(server: TestServer): Promise<Clients> {
  const client = async (name?: UserName) => {
    const pb = server.client()
    pb.autoCancellation(false)
    if (name) await pb.collection("users").authWithPassword(USERS[name].email, PASSWORD)
    return pb
  }
  return { guest: await client(), alice: await client("alice"), bob: await client("bob"), carol: await client("carol") }
}

/** What a request came to: its status, and the ids it returned (sorted) or the error message. */
export interface Outcome {
  status: number
  ids?: string[]
  message?: string
  /** Keys of a single record's non-empty `expand`. */
  expand?: string[]
}

/** Runs an SDK call and reduces its result (or failure) to an {@link Outcome}. */
export async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    const value = await call
    if (value === true) return { status: 204 }
    if (value && typeof value === "object" && "items" in value) {
      return { status: 200, ids: ((value as { items: Array<{ id: string }> }).items).map((r) => r.id).sort() }
    }
    const record = value as { id: string; expand?: Record<string, unknown> }
    const expand = Object.keys(record.expand ?? {}).sort()
    return { status: 200, ids: [String(record.id)], ...(expand.length > 0 ? { expand } : {}) }
  } catch (error) {
    if (!(error instanceof ClientResponseError)) throw error
    return { status: error.status, message: String(error.response?.message ?? "") }
  }
}
