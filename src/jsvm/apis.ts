/**
 * @module
 * `$apis`: PocketBase's route middlewares (auth requirements, static files, no-op ones) for
 * `routerAdd` / `routerUse`, and `recordAuthResponse` for custom auth routes.
 */
import { ApiError, forbidden } from "../core/errors.ts"
import { serveStatic } from "../files/index.ts"
import type { RouteHandler, RouterEvent } from "./router.ts"
import type { Collection, RecordData } from "../core/types.ts"
import { authResponse, type AuthResponseDeps } from "../auth/auth-response.ts"
import { issueAuthToken } from "../auth/password-auth.ts"

const authOf = (e: RouterEvent) => e.input.auth

const unauthorized = (message: string) => new ApiError(401, message)

const passThrough: RouteHandler = (e) => e.next()

type AuthRecord = { collectionModel: Collection; data: RecordData }

/** The `$apis` global; `recordAuthResponse` answers as the auth routes do (authRule, `onRecordAuthRequest`). */
export function apisGlobal(deps: AuthResponseDeps) {
  return {
    recordAuthResponse: async (e: RouterEvent, record: AuthRecord, authMethod: string, meta?: unknown) => {
      const { collectionModel: collection, data } = record
      if (collection.type !== "auth") throw new ApiError(400, "The record is not an auth record.")
      const url = new URL(e.input.request.url)
      const options = { expand: url.searchParams.get("expand") ?? undefined, fields: url.searchParams.get("fields") ?? undefined }
      const token = issueAuthToken(collection, data)
      const body = (await authResponse(deps, { collection, record: data, token, method: authMethod }, e.ruleRequest(), options)) as Record<string, unknown>
      e.json(200, meta === undefined || meta === null ? body : { ...body, meta })
    },
    requireAuth: (...collections: string[]): RouteHandler => (e) => {
      const auth = authOf(e)
      if (!auth) throw unauthorized("The request requires valid record authorization token.")
      if (collections.length > 0 && !collections.includes(auth.collection.name) && !collections.includes(auth.collection.id)) {
        throw forbidden("The authorized record is not allowed to perform this action.")
      }
      return e.next()
    },
    requireSuperuserAuth: (): RouteHandler => (e) => {
      if (!authOf(e)) throw unauthorized("The request requires valid record authorization token.")
      if (!e.hasSuperuserAuth()) throw forbidden("The authorized record is not allowed to perform this action.")
      return e.next()
    },
    requireSuperuserOrOwnerAuth: (param = "id"): RouteHandler => (e) => {
      const auth = authOf(e)
      if (!auth) throw unauthorized("The request requires superuser or record authorization token.")
      if (!e.hasSuperuserAuth() && auth.record.id !== e.pathValue(param)) throw forbidden("You are not allowed to perform this request.")
      return e.next()
    },
    requireGuestOnly: (): RouteHandler => (e) => {
      if (authOf(e)) throw new ApiError(400, "The request can be accessed only by guests.")
      return e.next()
    },
    static: (dir: string, indexFallback: boolean): RouteHandler => async (e) => {
      const url = new URL(e.input.request.url)
      url.pathname = `/${e.pathValue("path")}`
      e.answer = await serveStatic(dir, indexFallback, new Request(url.href, e.input.request))
    },
    skipSuccessActivityLog: () => passThrough,
    gzip: () => passThrough,
    bodyLimit: () => passThrough,
  }
}
