/**
 * @module
 * Counts the events a process's broker hands it, per collection (record events) or per topic
 * (custom messages), for the dashboard's live chart. Only running totals are kept: the viewer
 * polls and takes differences, so nothing here depends on time. Every process hears every
 * event, so each one's tally already covers the whole cluster.
 */
import type { RealtimeBroker } from "./broker.ts"

/** Running totals: collection name or custom topic → events heard. */
export type EventTally = Readonly<Record<string, number>>

/** Starts counting `broker`'s events (for the broker's lifetime); `read()` returns a copy of the totals. */
export function tallyEvents(broker: RealtimeBroker): { read(): EventTally } {
  const totals = new Map<string, number>()
  const count = (key: string) => totals.set(key, (totals.get(key) ?? 0) + 1)
  broker.subscribe((event) => {
    if (event.type === "record") count(event.collection.name)
    else if (event.type === "custom") count(`custom:${event.topic}`)
  })
  return { read: () => Object.fromEntries(totals) }
}
