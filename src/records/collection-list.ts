/**
 * @module
 * Listing collections: they live in memory, so sorting and filtering happen there, over the only
 * properties PocketBase lets a collections list sort and filter by.
 */
import { ApiError, badRequest } from "../core/errors.ts"
import type { Collection } from "../core/types.ts"
import { compileMatcher, isFilterError } from "../filter/index.ts"
import { blankCollection } from "./collection-defaults.ts"
import { withFieldDefaults } from "./fields/index.ts"

const SORTABLE = new Set(["id", "created", "updated", "name", "system", "type"])

/** Sorts by the sortable properties (`-` for descending); others are a 400. */
export function sortCollections(items: Collection[], sort: string): Collection[] {
  const keys = sort.split(",").map((s) => s.trim()).filter(Boolean)
  const sorted = [...items]
  for (const key of [...keys].reverse()) {
    const desc = key.startsWith("-")
    const name = key.replace(/^[-+]/, "")
    if (!SORTABLE.has(name)) throw badRequest()
    sorted.sort((a, b) => {
      const x = String(a[name]), y = String(b[name])
      return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1)
    })
  }
  return sorted
}

// The filter runs through the in-memory matcher against this stand-in schema.
const FILTERABLE: Collection = {
  ...blankCollection("base", "_collections_filter"),
  fields: [
    ...["id", "name", "type", "created", "updated"].map((name) => withFieldDefaults({ id: name, name, type: "text", system: true, hidden: false, presentable: false })),
    withFieldDefaults({ id: "system", name: "system", type: "bool", system: true, hidden: false, presentable: false }),
  ],
}

/** Keeps the collections the filter matches; a bad filter or property is a 400. */
export function filterCollections(items: Collection[], filter: string): Collection[] {
  let match: ReturnType<typeof compileMatcher>
  try {
    match = compileMatcher(filter, { collection: FILTERABLE })
  } catch (error) {
    if (isFilterError(error)) throw new ApiError(400, `Invalid filter: ${error.message}`, {}, { cause: error })
    throw error
  }
  if (!match) throw badRequest()
  const request = { auth: null, context: "default" as const, method: "GET", query: {}, headers: {}, body: {} }
  return items.filter((c) => match({ id: c.id, name: c.name, type: c.type, created: c.created, updated: c.updated, system: c.system }, request))
}
