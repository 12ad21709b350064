/**
 * @module
 * `$apis`: PocketBase's route middlewares (auth requirements, static files, no-op ones) for
 * `routerAdd` / `routerUse`.
 */
import { ApiError, forbidden } from "../core/errors.ts"
import { serveStatic } from "../files/index.ts"
import type { RouteHandler, RouterEvent } from "./router.ts"

const authOf = (e: RouterEvent) => e.input.auth

const unauthorized = (message: string) => new ApiError(401, message)

const passThrough: RouteHandler = (e) => e.next()

/** The `$apis` global. */
export function apisGlobal() {
  return {
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
