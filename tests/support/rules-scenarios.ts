/**
 * @module
 * One ordered table of API-rule scenarios over the rules world: who (guest, alice, bob, carol)
 * does what (list/view/create/update/delete) and what comes back (status, visible ids, message).
 * Scenarios run in order and some of them write, so every server sees the same history.
 */
import type PocketBase from "pocketbase"
import { IDS, USERS, rid, type Actor, type Outcome } from "./rules-world.ts"

export interface Scenario {
  name: string
  actor: Actor
  call(pb: PocketBase): Promise<unknown>
  expect: Outcome
}

const ONLY_SUPERUSERS = "Only superusers can perform this action."
const NOT_FOUND = "The requested resource wasn't found."
const CREATE_FAILED = "Failed to create record."
const UPDATE_FAILED = "Failed to update record."

const ok = (...ids: string[]): Outcome => ({ status: 200, ids: [...ids].sort() })
const noContent: Outcome = { status: 204 }
const notFound: Outcome = { status: 404, message: NOT_FOUND }
const createDenied: Outcome = { status: 400, message: CREATE_FAILED }
const updateInvalid: Outcome = { status: 400, message: UPDATE_FAILED }
const locked: Outcome = { status: 403, message: ONLY_SUPERUSERS }

const list = (collection: string, options: Record<string, unknown> = {}) => (pb: PocketBase) => pb.collection(collection).getList(1, 100, options)
const view = (collection: string, id: string, options: Record<string, unknown> = {}) => (pb: PocketBase) => pb.collection(collection).getOne(id, options)
const create = (collection: string, body: Record<string, unknown>, options: Record<string, unknown> = {}) => (pb: PocketBase) => pb.collection(collection).create(body, options)
const update = (collection: string, id: string, body: Record<string, unknown>, options: Record<string, unknown> = {}) => (pb: PocketBase) => pb.collection(collection).update(id, body, options)
const remove = (collection: string, id: string, options: Record<string, unknown> = {}) => (pb: PocketBase) => pb.collection(collection).delete(id, options)

const { alice, bob, carol, dave } = USERS
const secretHeader = { headers: { "X-Secret": "s3cret" } }

/** The scenarios, in the order they must run. */
export const SCENARIOS: Scenario[] = [
  // owner = @request.auth.id
  { name: "notes: guests list nothing", actor: "guest", call: list("notes"), expect: ok() },
  { name: "notes: alice lists her notes", actor: "alice", call: list("notes"), expect: ok(IDS.notes.a1, IDS.notes.a2) },
  { name: "notes: bob lists his note", actor: "bob", call: list("notes"), expect: ok(IDS.notes.b1) },
  { name: "notes: guests cannot view", actor: "guest", call: view("notes", IDS.notes.a1), expect: notFound },
  { name: "notes: bob cannot view alice's note", actor: "bob", call: view("notes", IDS.notes.a1), expect: notFound },
  { name: "notes: alice views her note", actor: "alice", call: view("notes", IDS.notes.a1), expect: ok(IDS.notes.a1) },
  { name: "notes: guests cannot create", actor: "guest", call: create("notes", { title: "x", owner: alice.id }), expect: createDenied },
  { name: "notes: bob cannot create for alice", actor: "bob", call: create("notes", { title: "x", owner: alice.id }), expect: createDenied },
  { name: "notes: bob creates his own", actor: "bob", call: create("notes", { id: rid("noteb", 2), title: "bob two", owner: bob.id }), expect: ok(rid("noteb", 2)) },
  { name: "notes: bob cannot update alice's", actor: "bob", call: update("notes", IDS.notes.a1, { title: "hacked" }), expect: notFound },
  { name: "notes: bob cannot take alice's note over", actor: "bob", call: update("notes", IDS.notes.a1, { owner: bob.id }), expect: notFound },
  { name: "notes: alice updates hers", actor: "alice", call: update("notes", IDS.notes.a1, { title: "alice one!" }), expect: ok(IDS.notes.a1) },
  { name: "notes: bob cannot delete alice's", actor: "bob", call: remove("notes", IDS.notes.a1), expect: notFound },
  { name: "notes: guests cannot delete", actor: "guest", call: remove("notes", IDS.notes.b1), expect: notFound },
  { name: "notes: alice deletes hers", actor: "alice", call: remove("notes", IDS.notes.a2), expect: noContent },
  { name: "notes: a deleted record is 404", actor: "alice", call: view("notes", IDS.notes.a2), expect: notFound },

  // members.id ?= @request.auth.id (multi relation) and @request.body modifiers
  { name: "projects: guests list nothing", actor: "guest", call: list("projects"), expect: ok() },
  { name: "projects: alice lists where she is a member", actor: "alice", call: list("projects"), expect: ok(IDS.projects.p1, IDS.projects.p3) },
  { name: "projects: bob lists where he is a member", actor: "bob", call: list("projects"), expect: ok(IDS.projects.p1, IDS.projects.p2) },
  { name: "projects: guests see no project without members", actor: "guest", call: view("projects", IDS.projects.p2), expect: notFound },
  { name: "projects: carol lists where she is a member", actor: "carol", call: list("projects"), expect: ok(IDS.projects.p3) },
  { name: "projects: a client filter narrows the rule", actor: "alice", call: list("projects", { filter: 'title = "p3"' }), expect: ok(IDS.projects.p3) },
  { name: "projects: carol cannot view p1", actor: "carol", call: view("projects", IDS.projects.p1), expect: notFound },
  { name: "projects: bob views p1", actor: "bob", call: view("projects", IDS.projects.p1), expect: ok(IDS.projects.p1) },
  { name: "projects: a member updates the title", actor: "bob", call: update("projects", IDS.projects.p1, { title: "p1 by bob" }), expect: ok(IDS.projects.p1) },
  { name: "projects: a member cannot send owner", actor: "bob", call: update("projects", IDS.projects.p1, { owner: bob.id }), expect: notFound },
  { name: "projects: sending owner unchanged still counts as set", actor: "bob", call: update("projects", IDS.projects.p1, { owner: alice.id }), expect: notFound },
  { name: "projects: a non-member cannot update", actor: "carol", call: update("projects", IDS.projects.p1, { title: "x" }), expect: notFound },
  { name: "projects: a member who is not the owner cannot delete", actor: "bob", call: remove("projects", IDS.projects.p1), expect: notFound },
  { name: "projects: create with members:length in range", actor: "bob", call: create("projects", { id: rid("proj", 4), title: "p4", owner: bob.id, members: [bob.id], tags: ["red"] }), expect: ok(rid("proj", 4)) },
  { name: "projects: create with no members", actor: "bob", call: create("projects", { title: "x", owner: bob.id, members: [] }), expect: createDenied },
  { name: "projects: create with too many members", actor: "bob", call: create("projects", { title: "x", owner: bob.id, members: [alice.id, bob.id, carol.id, dave.id] }), expect: createDenied },
  { name: "projects: create without tags (:each over nothing)", actor: "bob", call: create("projects", { id: rid("proj", 5), title: "p5", owner: bob.id, members: [bob.id] }), expect: ok(rid("proj", 5)) },
  { name: "projects: create with a banned tag (:each)", actor: "bob", call: create("projects", { title: "x", owner: bob.id, members: [bob.id], tags: ["red", "banned"] }), expect: createDenied },
  { name: "projects: create for someone else", actor: "bob", call: create("projects", { title: "x", owner: alice.id, members: [bob.id] }), expect: createDenied },
  { name: "projects: guests cannot create", actor: "guest", call: create("projects", { title: "x", members: [bob.id] }), expect: createDenied },

  // relation paths in rules (project.members.id, project.owner), :changed
  { name: "tasks: guests list nothing", actor: "guest", call: list("tasks"), expect: ok() },
  { name: "tasks: alice sees tasks of her projects", actor: "alice", call: list("tasks"), expect: ok(IDS.tasks.t1, IDS.tasks.t3) },
  { name: "tasks: bob sees tasks of his projects", actor: "bob", call: list("tasks"), expect: ok(IDS.tasks.t1, IDS.tasks.t2) },
  { name: "tasks: carol cannot view t1", actor: "carol", call: view("tasks", IDS.tasks.t1), expect: notFound },
  { name: "tasks: bob views t1 with its project expanded", actor: "bob", call: view("tasks", IDS.tasks.t1, { expand: "project" }), expect: { ...ok(IDS.tasks.t1), expand: ["project"] } },
  { name: "tasks: the project owner creates a task", actor: "bob", call: create("tasks", { id: rid("task", 4), title: "t4", project: IDS.projects.p2 }), expect: ok(rid("task", 4)) },
  { name: "tasks: a member who is not the owner cannot create", actor: "bob", call: create("tasks", { title: "x", project: IDS.projects.p1 }), expect: createDenied },
  { name: "tasks: a member cannot rename (:changed)", actor: "bob", call: update("tasks", IDS.tasks.t1, { title: "renamed" }), expect: notFound },
  { name: "tasks: a member may toggle done", actor: "bob", call: update("tasks", IDS.tasks.t1, { done: true }), expect: ok(IDS.tasks.t1) },
  { name: "tasks: resending the same title is no change", actor: "bob", call: update("tasks", IDS.tasks.t1, { title: "t1", done: false }), expect: ok(IDS.tasks.t1) },
  { name: "tasks: the owner renames", actor: "alice", call: update("tasks", IDS.tasks.t1, { title: "T1" }), expect: ok(IDS.tasks.t1) },
  { name: "tasks: a member cannot delete", actor: "bob", call: remove("tasks", IDS.tasks.t1), expect: notFound },
  { name: "tasks: a member of p3 who is not its owner cannot delete", actor: "alice", call: remove("tasks", IDS.tasks.t3), expect: notFound },

  // @collection.memberships (one shared join: the same membership row must match every condition)
  { name: "teams: guests list nothing", actor: "guest", call: list("teams"), expect: ok() },
  { name: "teams: alice lists her teams", actor: "alice", call: list("teams"), expect: ok(IDS.teams.x) },
  { name: "teams: bob lists his teams", actor: "bob", call: list("teams"), expect: ok(IDS.teams.x, IDS.teams.y) },
  { name: "teams: carol lists her team", actor: "carol", call: list("teams"), expect: ok(IDS.teams.z) },
  { name: "teams: alice cannot view y", actor: "alice", call: view("teams", IDS.teams.y), expect: notFound },
  { name: "teams: a plain member cannot update", actor: "bob", call: update("teams", IDS.teams.x, { name: "x!" }), expect: notFound },
  { name: "teams: a team admin updates", actor: "alice", call: update("teams", IDS.teams.x, { name: "x!" }), expect: ok(IDS.teams.x) },
  { name: "teams: bob updates the team he administers", actor: "bob", call: update("teams", IDS.teams.y, { name: "y!" }), expect: ok(IDS.teams.y) },
  { name: "teams: delete is locked (null rule)", actor: "alice", call: remove("teams", IDS.teams.x), expect: locked },
  { name: "teams: guests cannot create", actor: "guest", call: create("teams", { name: "g" }), expect: createDenied },
  { name: "teams: users create", actor: "alice", call: create("teams", { id: rid("teamw"), name: "w" }), expect: ok(rid("teamw")) },
  { name: "memberships: users see only their own", actor: "bob", call: list("memberships"), expect: ok(IDS.memberships.bx, IDS.memberships.by) },
  { name: "memberships: create is locked", actor: "bob", call: create("memberships", { user: bob.id, team: IDS.teams.z, role: "admin" }), expect: locked },

  // @request.body.role:isset = false, @request.body.user:changed = false
  { name: "profiles: everyone lists", actor: "guest", call: list("profiles"), expect: ok(IDS.profiles.a, IDS.profiles.b) },
  { name: "profiles: carol creates hers", actor: "carol", call: create("profiles", { id: rid("profc"), user: carol.id, bio: "me" }), expect: ok(rid("profc")) },
  { name: "profiles: role may not be sent on create", actor: "carol", call: create("profiles", { user: carol.id, role: "staff" }), expect: createDenied },
  { name: "profiles: an empty role still counts as sent", actor: "carol", call: create("profiles", { user: carol.id, role: "" }), expect: createDenied },
  { name: "profiles: nobody creates for someone else", actor: "carol", call: create("profiles", { user: bob.id }), expect: createDenied },
  { name: "profiles: bob updates his bio", actor: "bob", call: update("profiles", IDS.profiles.b, { bio: "new" }), expect: ok(IDS.profiles.b) },
  { name: "profiles: role may not be sent on update", actor: "bob", call: update("profiles", IDS.profiles.b, { role: "staff" }), expect: notFound },
  { name: "profiles: resending the same user is no change", actor: "bob", call: update("profiles", IDS.profiles.b, { user: bob.id }), expect: ok(IDS.profiles.b) },
  { name: "profiles: changing the user is refused", actor: "bob", call: update("profiles", IDS.profiles.b, { user: alice.id }), expect: notFound },
  { name: "profiles: others cannot update", actor: "alice", call: update("profiles", IDS.profiles.b, { bio: "x" }), expect: notFound },

  // back-relation: comments_via_post.author ?= @request.auth.id
  // NB: for a guest both sides are empty, and PocketBase's `=`/`?=` treat NULL as "" — so a post
  // without comments (a NULL back-relation) matches `?= @request.auth.id`. Rules guard with `@request.auth.id != ""`.
  { name: "posts: a post without comments matches a guest's empty id", actor: "guest", call: list("posts"), expect: ok(IDS.posts.p1) },
  { name: "posts: alice lists what she wrote", actor: "alice", call: list("posts"), expect: ok(IDS.posts.p1) },
  { name: "posts: bob lists what he commented on", actor: "bob", call: list("posts"), expect: ok(IDS.posts.p2) },
  { name: "posts: carol lists what she wrote", actor: "carol", call: list("posts"), expect: ok(IDS.posts.p2) },
  { name: "posts: bob views through his comment", actor: "bob", call: view("posts", IDS.posts.p2), expect: ok(IDS.posts.p2) },
  { name: "posts: alice cannot view p2 yet", actor: "alice", call: view("posts", IDS.posts.p2), expect: notFound },
  { name: "posts: alice comments as herself", actor: "alice", call: create("comments", { id: rid("comment", 2), body: "me too", post: IDS.posts.p2, author: alice.id }), expect: ok(rid("comment", 2)) },
  { name: "posts: alice now sees p2", actor: "alice", call: list("posts"), expect: ok(IDS.posts.p1, IDS.posts.p2) },
  { name: "posts: nobody comments as someone else", actor: "alice", call: create("comments", { body: "x", post: IDS.posts.p2, author: bob.id }), expect: createDenied },

  // @request.query / @request.headers / @request.method / @request.context
  { name: "bulletins: guests list nothing without key or header", actor: "guest", call: list("bulletins"), expect: ok() },
  { name: "bulletins: ?key=open opens the list", actor: "guest", call: list("bulletins", { key: "open" }), expect: ok(IDS.bulletins.b1, IDS.bulletins.b2) },
  { name: "bulletins: a wrong key does not", actor: "guest", call: list("bulletins", { key: "closed" }), expect: ok() },
  { name: "bulletins: the X-Secret header opens the list", actor: "guest", call: list("bulletins", secretHeader), expect: ok(IDS.bulletins.b1, IDS.bulletins.b2) },
  { name: "bulletins: GET in the default context views", actor: "guest", call: view("bulletins", IDS.bulletins.b1), expect: ok(IDS.bulletins.b1) },
  { name: "bulletins: create needs ?token=abc", actor: "guest", call: create("bulletins", { title: "x" }), expect: createDenied },
  { name: "bulletins: create with ?token=abc", actor: "guest", call: create("bulletins", { id: rid("bull", 3), title: "three" }, { token: "abc" }), expect: ok(rid("bull", 3)) },
  { name: "bulletins: update needs the header", actor: "guest", call: update("bulletins", IDS.bulletins.b1, { title: "x" }), expect: notFound },
  { name: "bulletins: update with the header", actor: "guest", call: update("bulletins", IDS.bulletins.b1, { title: "one!" }, secretHeader), expect: ok(IDS.bulletins.b1) },
  { name: "bulletins: delete needs the header", actor: "guest", call: remove("bulletins", IDS.bulletins.b2), expect: notFound },
  { name: "bulletins: delete with the header", actor: "guest", call: remove("bulletins", IDS.bulletins.b2, secretHeader), expect: noContent },
  { name: "labels: list is locked", actor: "alice", call: list("labels"), expect: locked },
  { name: "labels: direct view is outside the expand context", actor: "alice", call: view("labels", IDS.labels.l1), expect: notFound },
  { name: "labels: viewable as an expanded relation", actor: "alice", call: view("notes", IDS.notes.a1, { expand: "label" }), expect: { ...ok(IDS.notes.a1), expand: ["label"] } },

  // users: createRule on @request.body, updateRule with @request.auth.role, manageRule
  { name: "users: everyone lists users", actor: "guest", call: list("users"), expect: ok(alice.id, bob.id, carol.id, dave.id) },
  { name: "users: sign-up may not send a role", actor: "guest", call: create("users", { email: "eve@example.com", password: "password123", passwordConfirm: "password123", role: "admin" }), expect: createDenied },
  { name: "users: sign-up without a role", actor: "guest", call: create("users", { id: rid("eve"), email: "eve@example.com", password: "password123", passwordConfirm: "password123" }), expect: ok(rid("eve")) },
  { name: "users: sign-up cannot mark itself verified", actor: "guest", call: create("users", { email: "fay@example.com", password: "password123", passwordConfirm: "password123", verified: true }), expect: { status: 400, message: CREATE_FAILED } },
  { name: "users: a member cannot update another user", actor: "bob", call: update("users", alice.id, { name: "x" }), expect: notFound },
  { name: "users: an admin updates another user", actor: "alice", call: update("users", bob.id, { name: "Bobby" }), expect: ok(bob.id) },
  { name: "users: a manager sets verified", actor: "alice", call: update("users", dave.id, { verified: false }), expect: ok(dave.id) },
  { name: "users: a non-manager cannot set verified", actor: "bob", call: update("users", bob.id, { verified: false }), expect: updateInvalid },
  { name: "users: a non-manager cannot change email directly", actor: "bob", call: update("users", bob.id, { email: "bob2@example.com" }), expect: updateInvalid },
  { name: "users: a non-manager needs oldPassword", actor: "carol", call: update("users", carol.id, { password: "newpassword1", passwordConfirm: "newpassword1" }), expect: updateInvalid },
  { name: "users: a manager changes email directly", actor: "alice", call: update("users", dave.id, { email: "dave2@example.com" }), expect: ok(dave.id) },
  { name: "users: a manager changes a password without oldPassword", actor: "alice", call: update("users", bob.id, { password: "newpassword1", passwordConfirm: "newpassword1" }), expect: ok(bob.id) },
  { name: "users: bob's old token is now a guest's", actor: "bob", call: list("notes"), expect: ok() },
  { name: "users: and cannot update himself", actor: "bob", call: update("users", bob.id, { name: "x" }), expect: notFound },
  { name: "users: deleting another user is refused", actor: "carol", call: remove("users", alice.id), expect: notFound },

  // deleting with references
  { name: "projects: the owner deletes", actor: "carol", call: remove("projects", IDS.projects.p3), expect: noContent },
  { name: "tasks: the task lost its project and its visibility", actor: "alice", call: list("tasks"), expect: ok(IDS.tasks.t1) },
]
