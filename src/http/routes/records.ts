/**
 * @module
 * The records API: `/api/collections/:collection/records[/:id]`. Parse, call the service, answer.
 */
import { Hono, type Context } from "hono"
import { ApiError, badRequest } from "../../core/errors.ts"
import { parseFormBody, FormBodyError, namelessFilesAsText, type FormBody } from "../../records/fields/index.ts"
import { parseListParams } from "../../records/list-params.ts"
import { parseBody } from "../body.ts"
import type { HttpEnv } from "../context.ts"
import { requestInfo } from "../request-info.ts"

// A request hook that answers by itself without a body gets 204, as a delete does.
const answer = (c: Context<HttpEnv>, body: unknown) => (body === undefined ? c.body(null, 204) : c.json(body))

/** `expand` and `fields` from a request's query (also read for a batch's items). */
export const responseOptions = (query: (key: string) => string | undefined) => ({ expand: query("expand"), fields: query("fields") })

async function recordBody(request: Request, limit: number): Promise<FormBody> {
  const parsed = await parseBody(request, limit)
  if (parsed.kind === "json") return { data: parsed.value, files: {} }
  try {
    return parseFormBody(await namelessFilesAsText(parsed.value as unknown as FormData))
  } catch (error) {
    // PocketBase answers an unreadable form (a bad `@jsonPayload`) with its default 400.
    if (error instanceof FormBodyError) throw new ApiError(400, badRequest().message, {}, { cause: error })
    throw error
  }
}

// Writes wait while realtime delivery is backed up, before any rule or row is read, so the checks
// and the write still see one state of the database.
async function admitWrite(c: Context<HttpEnv>, next: () => Promise<void>): Promise<void> {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    const backedUp = c.get("services").realtime.admitWrite()
    if (backedUp) await backedUp
  }
  await next()
}

export const recordRoutes = new Hono<HttpEnv>()
  .use("/:collection/records", admitWrite)
  .use("/:collection/records/:id", admitWrite)
  .get("/:collection/records", async (c) => {
    const query = (key: string) => c.req.query(key)
    const service = c.get("services").recordService
    return answer(c, await service.list(c.req.param("collection"), parseListParams(query), responseOptions(query), requestInfo(c)))
  })
  .get("/:collection/records/:id", async (c) => {
    const service = c.get("services").recordService
    return answer(c, await service.view(c.req.param("collection"), c.req.param("id"), responseOptions((k) => c.req.query(k)), requestInfo(c)))
  })
  .post("/:collection/records", async (c) => {
    const { recordService, config } = c.get("services")
    const { data, files } = await recordBody(c.req.raw, config.bodyLimit)
    return answer(c, await recordService.create(c.req.param("collection"), data, responseOptions((k) => c.req.query(k)), requestInfo(c, data), files))
  })
  .patch("/:collection/records/:id", async (c) => {
    const { recordService, config } = c.get("services")
    const { data, files } = await recordBody(c.req.raw, config.bodyLimit)
    return answer(c, await recordService.update(c.req.param("collection"), c.req.param("id"), data, responseOptions((k) => c.req.query(k)), requestInfo(c, data), files))
  })
  .delete("/:collection/records/:id", async (c) => {
    return answer(c, await c.get("services").recordService.delete(c.req.param("collection"), c.req.param("id"), requestInfo(c)))
  })
