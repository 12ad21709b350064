/**
 * @module
 * What a JavaScript hook handler receives: the bus event seen through PocketBase's API, with
 * records and collections as models (their values shared with the event, so changes reach the
 * write), the requester's auth record, `e.request`, `e.requestInfo()` and `e.json()`.
 */
import { snakeCase } from "../core/snake-case.ts"
import type { AuthContext, RequestInfo } from "../core/types.ts"
import type { JsApp } from "./js-app.ts"
import { Collection } from "./models.ts"

/** `e.request` of a records API event as PocketBase's scripts read it (method, headers, query). */
function requestView(request: RequestInfo) {
  return {
    method: request.method,
    header: { get: (name: string) => request.headers[snakeCase(name)] ?? "" },
    url: { query: () => ({ get: (key: string) => request.query[key] ?? "", has: (key: string) => key in request.query }) },
  }
}

/** The JavaScript view of a bus event: records and collections as models, request helpers. */
export function jsEvent(event: Record<string, unknown>, app: JsApp): unknown {
  const cache = new Map<string, unknown>()
  const once = (key: string, make: () => unknown) => (cache.has(key) ? cache.get(key) : (cache.set(key, make()), cache.get(key)))
  const request = event.request as RequestInfo | undefined
  const wrapAuth = (auth: AuthContext | null | undefined) => (auth ? app.wrap(auth.collection, auth.record) : null)
  return new Proxy(event, {
    get(target, key) {
      switch (key) {
        case "app":
          return app
        case "record": {
          // The write may replace the values object (the stored row after an insert): wrap what is there now.
          if (!target.record || !target.collection) return target.record
          const cached = cache.get("record") as { data: unknown } | undefined
          if (cached?.data === target.record) return cached
          const record = app.wrap(target.collection as never, target.record as never, target.original as never)
          cache.set("record", record)
          return record
        }
        case "records":
          return Array.isArray(target.records) && target.collection
            ? once("records", () => (target.records as never[]).map((data) => app.wrap(target.collection as never, data)))
            : target.records
        case "collection":
          return target.collection ? once("collection", () => Collection.fromStored(target.collection as never)) : null
        case "auth":
          return wrapAuth(request?.auth)
        case "request":
          return request ? once("request", () => requestView(request)) : target.request
        case "requestInfo":
          return () => ({ ...request, auth: wrapAuth(request?.auth) })
        case "hasSuperuserAuth":
          return () => request?.auth?.collection.name === "_superusers"
        case "json":
          return (_status: number, data: unknown) => void (target.response = data)
        case "next":
          return () => (target.next as () => unknown).call(target)
        default: {
          const value = Reflect.get(target, key)
          return typeof value === "function" ? value.bind(target) : value
        }
      }
    },
    set(target, key, value) {
      if (key === "record" && value && typeof value === "object" && "data" in value) target.record = value.data
      else Reflect.set(target, key, value)
      cache.delete(String(key))
      return true
    },
  })
}
