/**
 * @module
 * The collections API (superusers only): list, view, create, update, delete, truncate, import,
 * scaffolds. Routes parse and map; the registry does the work.
 */
import { Hono, type MiddlewareHandler } from "hono"
import { ApiError, badRequest, fieldError } from "../../core/errors.ts"
import type { Collection } from "../../core/types.ts"
import { blankCollection } from "../../records/collection-defaults.ts"
import { withFieldDefaults } from "../../records/fields/index.ts"
import { compileMatcher, isFilterError } from "../../filter/index.ts"
import { collectionJSON } from "../../records/collection-input.ts"
import { listEnvelope, parseListParams } from "../../records/list-params.ts"
import { parseJsonObject } from "../body.ts"
import type { HttpEnv } from "../context.ts"
import { requireSuperuser } from "../guards.ts"

const SORTABLE = new Set(["id", "created", "updated", "name", "system", "type"])
const invalidCollectionBody = () => new ApiError(400, "Failed to load the collection type data due to invalid formatting.")

// Applied per route: this router shares its mount point with the records and auth routers.
const superusersOnly: MiddlewareHandler<HttpEnv> = async (c, next) => {
  requireSuperuser(c.get("auth"))
  await next()
}

export const collectionRoutes = new Hono<HttpEnv>()
  .get("/", superusersOnly, (c) => {
    const params = parseListParams((key) => c.req.query(key))
    const items = sortCollections(c.get("services").collections.all(), params.sort)
    const filtered = params.filter === "" ? items : filterCollections(items, params.filter)
    const page = filtered.slice((params.page - 1) * params.perPage, params.page * params.perPage)
    return c.json(listEnvelope(params, page.map(collectionJSON), params.skipTotal ? null : filtered.length))
  })
  .get("/meta/scaffolds", superusersOnly, (c) => {
    const scaffold = (type: "base" | "auth" | "view") => ({ ...collectionJSON(blankCollection(type, "")), id: "", name: "" })
    return c.json({ auth: scaffold("auth"), base: scaffold("base"), view: scaffold("view") })
  })
  .put("/import", superusersOnly, async (c) => {
    const { config, collections } = c.get("services")
    const body = await parseJsonObject(c.req.raw, config.bodyLimit)
    if (!Array.isArray(body.collections) || body.collections.length === 0) {
      throw badRequest("An error occurred while validating the submitted data.", {
        collections: fieldError("validation_required", "Cannot be blank."),
      })
    }
    collections.import(body.collections, body.deleteMissing === true)
    return c.body(null, 204)
  })
  .post("/", superusersOnly, async (c) => {
    const { config, collections } = c.get("services")
    const body = await parseJsonObject(c.req.raw, config.bodyLimit, invalidCollectionBody)
    return c.json(collectionJSON(collections.create(body)))
  })
  .get("/:idOrName", superusersOnly, (c) => c.json(collectionJSON(c.get("services").collections.get(c.req.param("idOrName")))))
  .patch("/:idOrName", superusersOnly, async (c) => {
    const { config, collections } = c.get("services")
    const existing = collections.get(c.req.param("idOrName"))
    const body = await parseJsonObject(c.req.raw, config.bodyLimit, invalidCollectionBody)
    return c.json(collectionJSON(collections.update(existing.id, body)))
  })
  .delete("/:idOrName", superusersOnly, (c) => {
    c.get("services").collections.delete(c.req.param("idOrName"))
    return c.body(null, 204)
  })
  .delete("/:idOrName/truncate", superusersOnly, (c) => {
    c.get("services").collections.truncate(c.req.param("idOrName"))
    return c.body(null, 204)
  })

function sortCollections(items: Collection[], sort: string): Collection[] {
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

// Collections live in memory, so their filter runs through the in-memory matcher, over the
// only properties PocketBase lets it read.
const FILTERABLE: Collection = {
  ...blankCollection("base", "_collections_filter"),
  fields: [
    ...["id", "name", "type", "created", "updated"].map((name) => withFieldDefaults({ id: name, name, type: "text", system: true, hidden: false, presentable: false })),
    withFieldDefaults({ id: "system", name: "system", type: "bool", system: true, hidden: false, presentable: false }),
  ],
}

function filterCollections(items: Collection[], filter: string): Collection[] {
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
