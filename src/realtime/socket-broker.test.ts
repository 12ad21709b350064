import { afterEach, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Collection } from "../core/types.ts"
import type { CollectionLookup } from "./cluster-broker.ts"
import type { RealtimeEvent, RecordChangeEvent } from "./events.ts"
import { SocketBroker, startSocketHub, type SocketHub } from "./socket-broker.ts"

const collection = (id: string) => ({ id, name: `name_${id}`, type: "base", fields: [] }) as unknown as Collection

/** A registry where `later` ids appear only once reloaded. */
function lookup(known: string[], later: string[] = []): CollectionLookup & { reloads: number } {
  const ids = new Set(known)
  return {
    reloads: 0,
    find: (id) => (ids.has(id) ? collection(id) : undefined),
    reload() {
      this.reloads++
      for (const id of later) ids.add(id)
    },
  }
}

const recordEvent = (collectionId: string, seq: number, extra: Record<string, unknown> = {}): RecordChangeEvent => ({
  type: "record",
  action: "create",
  collection: collection(collectionId),
  record: { id: `r${seq}`, ...extra },
  seq,
})

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out")
    await Bun.sleep(5)
  }
}

describe("socket broker", () => {
  let root = ""
  let hub: SocketHub | null = null
  const brokers: SocketBroker[] = []

  afterEach(async () => {
    for (const broker of brokers.splice(0)) await broker.close()
    hub?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  async function pair(receiverCollections: CollectionLookup): Promise<{ sender: SocketBroker; received: RealtimeEvent[] }> {
    root = mkdtempSync(join(tmpdir(), "socket-broker-"))
    hub = startSocketHub(join(root, "hub.sock"))
    const sender = await SocketBroker.connect({ path: hub.path, nodeId: "a", gapTimeoutMs: 60_000 })
    const receiver = await SocketBroker.connect({ path: hub.path, nodeId: "b", gapTimeoutMs: 60_000 })
    brokers.push(sender, receiver)
    receiver.resolveCollectionsWith(receiverCollections)
    const received: RealtimeEvent[] = []
    receiver.subscribe((event) => void received.push(event))
    return { sender, received }
  }

  it("carries record events by collection id and resolves them in the receiving process, in order", async () => {
    const { sender, received } = await pair(lookup(["c1"], ["c2"]))
    // A record bigger than one socket read arrives whole (lines split across chunks).
    const big = "x".repeat(300_000)
    sender.publish(recordEvent("c1", 1))
    sender.publish(recordEvent("c2", 2, { big }))
    sender.publish(recordEvent("gone", 3))
    sender.publish(recordEvent("c1", 4))
    sender.publish({ type: "custom", topic: "t", data: { ok: true } })
    await until(() => received.length === 4)
    const records = received.filter((event): event is RecordChangeEvent => event.type === "record")
    // The collection unknown at first was read again; the gone one's event was dropped without holding up the next.
    expect(records.map((event) => [event.seq, event.collection.id, event.collection.name])).toEqual([
      [1, "c1", "name_c1"],
      [2, "c2", "name_c2"],
      [4, "c1", "name_c1"],
    ])
    expect(records[1]!.record.big).toBe(big)
    expect(received.find((event) => event.type === "custom")).toEqual({ type: "custom", topic: "t", data: { ok: true } })
  })
})
