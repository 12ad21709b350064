/**
 * @module
 * The fuzzer's live realtime check: real SSE subscribers (a guest and two members, each with the
 * case's client filter) on pocketbun's `items`, then an update of every item. Each subscriber must
 * be sent exactly the items its REST list shows — an extra event is a leak, a missing one a lost event.
 */
import PocketBase from "pocketbase"
import { EventCollector, waitFor } from "../realtime.ts"
import type { Actor, FuzzWorld } from "./runner.ts"
import { ITEM_IDS } from "./world.ts"

/** Rules and filters whose answer depends on what differs between a list request and a subscription. */
const REQUEST_DEPENDENT = ["@request.context", "@request.query", "@request.headers", "@request.method", "updated", "@now", "@second", "@minute"]

/** True when the live check can compare this rule and filter with the REST lists. */
export const liveComparable = (rule: string, filter: string): boolean =>
  !REQUEST_DEPENDENT.some((part) => rule.includes(part) || filter.includes(part))

const ACTORS: Actor[] = ["guest", "member1", "member2"]

/** Subscribes the actors, touches every item, and returns one line per disagreement. */
export async function liveMismatches(world: FuzzWorld, filter: string, visible: Map<Actor, Set<string>>): Promise<string[]> {
  const server = world.ours
  const clients: PocketBase[] = []
  const received = new Map<Actor, EventCollector<{ action: string; record: { id: string; collectionName: string } }>>()
  try {
    for (const actor of ACTORS) {
      const pb = new PocketBase(server.url)
      pb.autoCancellation(false)
      if (actor !== "guest") pb.authStore.save(world.tokens.get(server)![actor === "member1" ? 0 : 1]!)
      const events = new EventCollector<{ action: string; record: { id: string; collectionName: string } }>(`live events of ${actor}`)
      await pb.collection("items").subscribe("*", events.push, filter ? { filter } : {})
      // every subscriber sees notes: the closing note update tells that all item events are in
      await pb.collection("notes").subscribe("*", events.push)
      clients.push(pb)
      received.set(actor, events)
    }
    for (const id of ITEM_IDS) await server.admin.collection("items").update(id, {})
    const marker = await server.admin.collection("notes").getFirstListItem("")
    await server.admin.collection("notes").update(marker.id, {})
    for (const [actor, events] of received) {
      await waitFor(() => events.all.some((e) => e.record.collectionName === "notes"), 5000, `the closing note event for ${actor}`)
    }
    const problems: string[] = []
    for (const [actor, events] of received) {
      const sent = new Set(events.all.filter((e) => e.record.collectionName === "items").map((e) => e.record.id))
      const expected = visible.get(actor)!
      const leaked = [...sent].filter((id) => !expected.has(id))
      const lost = [...expected].filter((id) => !sent.has(id))
      if (leaked.length + lost.length > 0) problems.push(`${actor}: sent but not listed [${leaked.join(",")}], listed but not sent [${lost.join(",")}]`)
    }
    return problems
  } finally {
    for (const pb of clients) await pb.realtime.unsubscribe().catch(() => {})
  }
}
