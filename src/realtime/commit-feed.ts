/**
 * @module
 * From the hook bus to the broker: every committed record and collection change becomes one
 * `RealtimeEvent`, published once (secrets redacted) after its transaction committed, never for
 * a rolled-back write. Record changes are numbered in commit order inside the transaction; a
 * delete is decided for this process's subscribers before its rows go (see `RecordFanout.decideNow`).
 */
import { redactAuthRecord, redactCollection } from "../core/token-key-digest.ts"
import type { Store } from "../db/store.ts"
import type { AppHooks, RecordEvent, SyncHook } from "../hooks/index.ts"
import type { CollectionRegistry } from "../records/collections.ts"
import type { RealtimeBroker } from "./broker.ts"
import type { RecordChangeEvent } from "./events.ts"
import type { RecordFanout } from "./record-fanout.ts"

interface FeedDeps {
  hooks: AppHooks
  store: Store
  collections: CollectionRegistry
  broker: RealtimeBroker
  fanout: RecordFanout
  /** This process's id in the cluster (schema notices from itself are ignored). */
  nodeId: string
}

/** Realtime's handlers run around everyone else's, as PocketBase binds its own. */
const PRIORITY = -99

function changeEvent(e: RecordEvent): RecordChangeEvent {
  const record = e.collection.type === "auth" ? redactAuthRecord(e.record) : e.record
  return { type: "record", action: e.action, collection: redactCollection(e.collection), record }
}

/** Binds the feed's hook handlers; returns the function that unbinds them. */
export function publishCommittedChanges(deps: FeedDeps): () => void {
  const { hooks, store, broker, fanout, nodeId, collections } = deps
  const pending = new WeakMap<RecordEvent, RecordChangeEvent>()
  const unbinders: Array<() => void> = []
  const bind = <E extends RecordEvent>(hook: SyncHook<E>, func: (e: E) => void) => {
    const id = hook.bind({ func, priority: PRIORITY })
    unbinders.push(() => hook.unbind(id))
  }
  const numbered = (e: RecordEvent) => {
    e.next()
    const event = pending.get(e) ?? changeEvent(e)
    event.seq = store.nextChangeSequence()
    pending.set(e, event)
  }
  const publish = (e: RecordEvent) => {
    const event = pending.get(e)
    if (event) void broker.publish(event)
    e.next()
  }

  bind(hooks.onRecordCreateExecute, numbered)
  bind(hooks.onRecordUpdateExecute, numbered)
  bind(hooks.onRecordDeleteExecute, numbered)
  // Decided while the record, and whatever its rules reach through, still exist.
  bind(hooks.onRecordDelete, (e) => {
    const event = changeEvent(e)
    fanout.decideNow(event)
    pending.set(e, event)
    e.next()
  })
  bind(hooks.onRecordAfterCreateSuccess, publish)
  bind(hooks.onRecordAfterUpdateSuccess, publish)
  bind(hooks.onRecordAfterDeleteSuccess, publish)

  const schemaChanged = () => void broker.publish({ type: "schema", node: nodeId })
  const collectionHooks = [
    hooks.onCollectionAfterCreateSuccess.bind({ priority: PRIORITY, func: (e) => (schemaChanged(), e.next()) }),
    hooks.onCollectionAfterUpdateSuccess.bind({
      priority: PRIORITY,
      func: (e) => {
        schemaChanged()
        void broker.publish({ type: "collection", action: "update", collection: redactCollection(e.collection), previous: redactCollection(e.original!) })
        e.next()
      },
    }),
    hooks.onCollectionAfterDeleteSuccess.bind({
      priority: PRIORITY,
      func: (e) => {
        schemaChanged()
        void broker.publish({ type: "collection", action: "delete", collection: redactCollection(e.collection) })
        e.next()
      },
    }),
  ]
  unbinders.push(() => {
    hooks.onCollectionAfterCreateSuccess.unbind(collectionHooks[0]!)
    hooks.onCollectionAfterUpdateSuccess.unbind(collectionHooks[1]!)
    hooks.onCollectionAfterDeleteSuccess.unbind(collectionHooks[2]!)
  })
  // Another process changed the schema in the shared database: drop our cached definitions.
  unbinders.push(broker.subscribe((event) => {
    if (event.type === "schema" && event.node !== nodeId) collections.reload()
  }))
  return () => {
    for (const unbind of unbinders) unbind()
  }
}
