/**
 * @module
 * Record JSON as the API returns it: non-hidden fields plus `collectionId`/`collectionName`;
 * `password` and `tokenKey` never; `email` only where visibility allows.
 *
 * PocketBase exports a record as a Go map, so its keys reach the wire in byte order
 * (`collectionId`, `collectionName`, `created`, `email`, `expand`, `id`, ...). The order is worked
 * out once per collection (an output plan) and each record is built in it, with no sort per record.
 */
import type { Collection, Field, RecordData } from "../core/types.ts"

/** Who is looking, as far as visibility is concerned. */
export interface Visibility {
  /** Superusers see hidden fields. */
  showHidden: boolean
  /** The requester is the record itself, a manager, a superuser, or this is an auth response. */
  showEmail: boolean
}

const NEVER_OUTPUT = new Set(["password", "tokenKey"])

/** One key of the output, in wire order: a schema field or one of the helper keys. */
type Slot = { key: string; field: Field } | { key: "collectionId" | "collectionName" | "expand"; field: null }

interface OutputPlan {
  /** The field list the plan was made from (a replaced or grown list makes a new plan). */
  fields: Field[]
  fieldCount: number
  slots: Slot[]
}

const plans = new WeakMap<Collection, OutputPlan>()

/** Byte order of the keys, as Go's encoder sorts map keys (field names are ASCII). */
const byKey = (a: Slot, b: Slot): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

function outputPlan(collection: Collection): OutputPlan {
  const cached = plans.get(collection)
  if (cached && cached.fields === collection.fields && cached.fieldCount === collection.fields.length) return cached
  const isAuth = collection.type === "auth"
  const slots: Slot[] = [{ key: "collectionId", field: null }, { key: "collectionName", field: null }, { key: "expand", field: null }]
  for (const field of collection.fields) {
    if (isAuth && (field.type === "password" || NEVER_OUTPUT.has(field.name))) continue
    slots.push({ key: field.name, field })
  }
  slots.sort(byKey)
  const plan = { fields: collection.fields, fieldCount: collection.fields.length, slots }
  plans.set(collection, plan)
  return plan
}

/**
 * Renders one record for the wire. `expandSlot` reserves the `expand` key in its sorted place so
 * an expansion filled in afterwards lands there (a slot left `undefined` is not serialized).
 */
export function recordJSON(collection: Collection, record: RecordData, visibility: Visibility, expandSlot = false): Record<string, unknown> {
  const output: Record<string, unknown> = {}
  const hideEmail = collection.type === "auth" && !visibility.showEmail && record.emailVisibility !== true
  for (const slot of outputPlan(collection).slots) {
    const field = slot.field
    if (field === null) {
      if (slot.key === "collectionId") output.collectionId = collection.id
      else if (slot.key === "collectionName") output.collectionName = collection.name
      else if (expandSlot || record.expand !== undefined) output.expand = record.expand
      continue
    }
    if (field.hidden && !visibility.showHidden) continue
    if (hideEmail && field.name === "email") continue
    if (!(field.name in record)) continue
    // PocketBase renders a visible password field of a base collection as "" (checked on v0.40.6).
    output[field.name] = field.type === "password" ? "" : record[field.name]
  }
  return output
}
