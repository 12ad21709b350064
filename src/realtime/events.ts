/**
 * @module
 * The one event type realtime works with, from the commit to the frame: the records layer's
 * committed changes become these (once, on the writing process), the broker carries them as
 * plain JSON to every process, and each process's fan-out turns them into messages. Nothing
 * here knows about a transport.
 */
import type { Collection, RecordData } from "../core/types.ts"

/** What happened to a record. */
export type RecordAction = "create" | "update" | "delete"

/**
 * A committed record change. For deletes, `record` is the row as it was before deletion; auth
 * records carry a digest of their `tokenKey`, never the key.
 */
export interface RecordChangeEvent {
  type: "record"
  action: RecordAction
  collection: Collection
  record: RecordData
  /** Position in the database's commit order (cross-process ordering); absent for tests and custom code. */
  seq?: number
}

/** A custom message for every client subscribed to exactly `topic`. */
export interface CustomMessageEvent {
  type: "custom"
  topic: string
  data: unknown
}

/** A committed collection change that affects connected clients (auth secrets, deleted auth collections). */
export type CollectionChangeEvent =
  | { type: "collection"; action: "update"; collection: Collection; previous: Collection }
  | { type: "collection"; action: "delete"; collection: Collection }

/** Every event a process's realtime hears, as plain JSON-serialisable data. */
export type RealtimeEvent =
  | RecordChangeEvent
  | CustomMessageEvent
  | CollectionChangeEvent
  /** Some process changed the schema; the others re-read their collection caches. */
  | { type: "schema"; node: string }
