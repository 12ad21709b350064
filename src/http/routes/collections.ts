/**
 * @module
 * The collections API (superusers only): list, view, create, update, delete, truncate, import,
 * scaffolds, the OAuth2 provider list. Routes parse and map; the registry does the work.
 */
import { Hono, type Context, type MiddlewareHandler } from "hono"
import { CollectionChangeRequestEvent } from "../../hooks/index.ts"
import { ApiError, badRequest, fieldError } from "../../core/errors.ts"
import { collectionScaffold } from "../../records/collection-defaults.ts"
import { collectionJSON } from "../../records/collection-json.ts"
import { listEnvelope, parseListParams } from "../../records/list-params.ts"
import { filterCollections, sortCollections } from "../../records/collection-list.ts"
import { parseJsonObject } from "../body.ts"
import type { HttpEnv } from "../context.ts"
import { requireSuperuser } from "../guards.ts"
import { listProviders } from "../../auth/oauth2/index.ts"
import { requestInfo } from "../request-info.ts"

const invalidCollectionBody = () => new ApiError(400, "Failed to load the collection type data due to invalid formatting.")

// The saved collection; a handler that answered by itself (or a delete) gets its response or 204.
const answer = (c: Context<HttpEnv>, event: CollectionChangeRequestEvent) =>
  event.collection ? c.json(collectionJSON(event.collection)) : event.response === undefined ? c.body(null, 204) : c.json(event.response)

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
    const scaffold = (type: "base" | "auth" | "view") => collectionJSON(collectionScaffold(type))
    return c.json({ auth: scaffold("auth"), base: scaffold("base"), view: scaffold("view") })
  })
  .get("/meta/oauth2-providers", superusersOnly, (c) => c.json(listProviders()))
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
    const { config, collections, hooks } = c.get("services")
    const body = await parseJsonObject(c.req.raw, config.bodyLimit, invalidCollectionBody)
    const event = new CollectionChangeRequestEvent(requestInfo(c, body), "create", null, body)
    await hooks.onCollectionCreateRequest.trigger(event, (e) => void (e.collection = collections.create(e.body)))
    return answer(c, event)
  })
  .get("/:idOrName", superusersOnly, (c) => c.json(collectionJSON(c.get("services").collections.get(c.req.param("idOrName")))))
  .patch("/:idOrName", superusersOnly, async (c) => {
    const { config, collections, hooks } = c.get("services")
    const existing = collections.get(c.req.param("idOrName"))
    const body = await parseJsonObject(c.req.raw, config.bodyLimit, invalidCollectionBody)
    const event = new CollectionChangeRequestEvent(requestInfo(c, body), "update", existing, body)
    await hooks.onCollectionUpdateRequest.trigger(event, (e) => void (e.collection = collections.update(existing.id, e.body)))
    return answer(c, event)
  })
  .delete("/:idOrName", superusersOnly, async (c) => {
    const { collections, hooks } = c.get("services")
    const existing = collections.get(c.req.param("idOrName"))
    const event = new CollectionChangeRequestEvent(requestInfo(c), "delete", existing, {})
    await hooks.onCollectionDeleteRequest.trigger(event, () => collections.delete(existing.id))
    return answer(c, event)
  })
  .delete("/:idOrName/truncate", superusersOnly, async (c) => {
    const { collections, recordFiles } = c.get("services")
    collections.truncate(c.req.param("idOrName"))
    recordFiles.removeCollectionFiles(collections.get(c.req.param("idOrName")))
    await recordFiles.settled()
    return c.body(null, 204)
  })
