/**
 * The inspector's rates from two polls of the stats endpoint: differences over elapsed time,
 * matched per process, per collection the largest over processes (each hears every event),
 * deliveries and drops summed.
 */
import { describe, expect, it } from "bun:test"
import { ratesBetween, type NodeStats, type Sample } from "../../ui/realtime-rates.ts"

const node = (id: string, framesOut: number, droppedSlowClients: number, eventsByCollection: Record<string, number>): NodeStats =>
  ({ node: id, clients: 0, subscriptions: 0, eventsIn: 0, framesOut, droppedSlowClients, eventsByCollection })
const sample = (at: number, ...nodes: NodeStats[]): Sample => ({ at, nodes: new Map(nodes.map((n) => [n.node, n])) })

describe("inspector rates", () => {
  it("divides the growth of each counter by the seconds between polls", () => {
    const point = ratesBetween(sample(0, node("a", 10, 0, { posts: 4 })), sample(2000, node("a", 30, 1, { posts: 10, users: 2 })))
    expect(point).toEqual({ rates: { posts: 3, users: 1 }, delivered: 10, dropped: 0.5 })
  })

  it("takes the largest rate per collection across processes and sums deliveries", () => {
    const before = sample(0, node("a", 0, 0, { posts: 0 }), node("b", 0, 0, { posts: 0 }))
    const after = sample(1000, node("a", 5, 0, { posts: 4 }), node("b", 7, 0, { posts: 4 }))
    expect(ratesBetween(before, after)).toEqual({ rates: { posts: 4 }, delivered: 12, dropped: 0 })
  })

  it("ignores processes it has not seen before and counters that went backwards (a restart)", () => {
    const before = sample(0, node("a", 100, 0, { posts: 50 }))
    const after = sample(1000, node("a", 40, 0, { posts: 10 }), node("new", 1000, 3, { posts: 900 }))
    expect(ratesBetween(before, after)).toEqual({ rates: { posts: 0 }, delivered: 0, dropped: 0 })
  })
})
