/**
 * @module
 * Turns two polls of `/api/realtime/stats` into per-second rates for the inspector's charts.
 * Counters are running totals per process, so rates are differences over the time between
 * polls; processes are matched by id, so a poll answered by another `--workers` process still
 * compares like with like.
 */

/** The counters every process reports. */
export interface Counters {
  clients: number
  subscriptions: number
  eventsIn: number
  framesOut: number
  droppedSlowClients: number
}

/** One process's counters. */
export interface NodeStats extends Counters {
  node: string
  eventsByCollection?: Record<string, number>
  late?: number
  superseded?: number
  brokerHealthy?: boolean
}

/** The stats endpoint's answer. */
export interface Stats {
  total: Counters
  nodes: NodeStats[]
  broker?: "local" | "redis" | "socket"
}

/** One poll, with when it arrived. */
export interface Sample {
  at: number
  nodes: Map<string, NodeStats>
}

/** Rates between two polls: events per collection, frames delivered, clients dropped. */
export interface Point {
  rates: Record<string, number>
  delivered: number
  dropped: number
}

/** Per-second rates between two samples: per collection the largest over processes (each hears every event). */
export function ratesBetween(previous: Sample, current: Sample): Point {
  const seconds = Math.max(0.001, (current.at - previous.at) / 1000)
  const rates: Record<string, number> = {}
  let delivered = 0
  let dropped = 0
  for (const [node, now] of current.nodes) {
    const before = previous.nodes.get(node)
    if (!before) continue
    delivered += Math.max(0, now.framesOut - before.framesOut) / seconds
    dropped += Math.max(0, now.droppedSlowClients - before.droppedSlowClients) / seconds
    for (const [name, total] of Object.entries(now.eventsByCollection ?? {})) {
      const rate = Math.max(0, total - (before.eventsByCollection?.[name] ?? 0)) / seconds
      rates[name] = Math.max(rates[name] ?? 0, rate)
    }
  }
  return { rates, delivered, dropped }
}
