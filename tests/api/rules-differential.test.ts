/**
 * Differential API-rules test: the same world (rules, data, users) on pocketbun and on the
 * reference PocketBase, then the same requests on both. Every scenario's status, visible ids and
 * message must agree, and so must what each actor sees of every collection — list ids, view
 * statuses and the keys of each record and its expansions (which is where email visibility shows).
 * Skips with a printed reason when the reference executable is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { referenceExecutable, startPocketbun, startReference, type TestServer } from "../support/servers.ts"
import { reportMissing } from "../support/requirements.ts"
import { createWorld, outcome, signIn, type Actor, type Clients } from "../support/rules-world.ts"
import { SCENARIOS } from "../support/rules-scenarios.ts"

/** Expansions requested when viewing each collection's records. */
const EXPANDS: Record<string, string> = {
  users: "",
  labels: "",
  notes: "owner,label",
  projects: "owner,members",
  tasks: "project.owner,project.members",
  teams: "memberships_via_team.user",
  memberships: "user,team",
  profiles: "user",
  posts: "author,comments_via_post.author",
  comments: "post.author,author",
  bulletins: "",
}
const ACTORS: Actor[] = ["guest", "alice", "bob", "carol"]

interface Side {
  server: TestServer
  clients: Clients
}

// Key sets of a record and, recursively, of its expansions, e.g. "expand.owner: collectionId,email,…".
function shape(record: Record<string, any>, path = ""): string[] {
  const lines = [`${path || "record"}: ${Object.keys(record).filter((k) => k !== "expand").sort().join(",")}`]
  for (const [key, value] of Object.entries(record.expand ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const items = Array.isArray(value) ? value : [value]
    items.forEach((item, index) => lines.push(...shape(item as Record<string, any>, `${path}expand.${key}${Array.isArray(value) ? `[${index}]` : ""}.`)))
  }
  return lines
}

// What one actor sees of every collection: list ids, and each record's view status and shape.
async function sightings(side: Side, actor: Actor): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {}
  const pb = side.clients[actor]
  for (const [collection, expand] of Object.entries(EXPANDS)) {
    seen[`${collection} list`] = await outcome(pb.collection(collection).getList(1, 200))
    const all = await side.server.admin.collection(collection).getFullList({ sort: "id" })
    for (const { id } of all) {
      try {
        const record = await pb.collection(collection).getOne(id, expand ? { expand } : {})
        seen[`${collection} view ${id}`] = shape(record)
      } catch (error) {
        seen[`${collection} view ${id}`] = await outcome(Promise.reject(error))
      }
    }
  }
  return seen
}

const reference = referenceExecutable()
if (!reference.path) reportMissing("the differential API-rules tests", reference.reason)

describe.skipIf(!reference.path)("API rules: pocketbun and the reference PocketBase agree", () => {
  const sides: Side[] = []

  beforeAll(async () => {
    for (const start of [() => startPocketbun(), startReference]) {
      const server = await start()
      sides.push({ server, clients: { guest: server.client(), alice: server.client(), bob: server.client(), carol: server.client() } })
      await createWorld(server)
      sides.at(-1)!.clients = await signIn(server)
    }
  }, 60_000)
  afterAll(async () => {
    await Promise.all(sides.map((side) => side.server.stop()))
  })

  it("shows every actor the same records before any write", async () => {
    for (const actor of ACTORS) {
      const [ours, theirs] = [await sightings(sides[0]!, actor), await sightings(sides[1]!, actor)]
      expect({ actor, seen: ours }).toEqual({ actor, seen: theirs })
    }
  }, 60_000)

  it("answers every list/view/create/update/delete scenario identically", async () => {
    const mismatches: unknown[] = []
    for (const scenario of SCENARIOS) {
      const [ours, theirs] = [
        await outcome(scenario.call(sides[0]!.clients[scenario.actor])),
        await outcome(scenario.call(sides[1]!.clients[scenario.actor])),
      ]
      if (!Bun.deepEquals(ours, theirs)) mismatches.push({ scenario: scenario.name, pocketbun: ours, pocketbase: theirs })
    }
    expect(mismatches).toEqual([])
  }, 60_000)

  it("shows every actor the same records after the writes", async () => {
    for (const actor of ACTORS) {
      const [ours, theirs] = [await sightings(sides[0]!, actor), await sightings(sides[1]!, actor)]
      expect({ actor, seen: ours }).toEqual({ actor, seen: theirs })
    }
  }, 60_000)
})
