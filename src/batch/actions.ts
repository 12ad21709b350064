/**
 * @module
 * The record actions a batch may hold, matched on `METHOD url` as PocketBase matches them:
 * create, update, delete, and upsert (PUT: an update when the body's `id` names an existing
 * record, else a create).
 */

/** One resolved action: the method and path the item is dispatched as. */
export interface ResolvedAction {
  method: "POST" | "PATCH" | "DELETE"
  url: string
}

const CREATE = /^POST \/api\/collections\/([^/?]+)\/records(\?.*)?$/
const UPSERT = /^PUT \/api\/collections\/([^/?]+)\/records(\?.*)?$/
const UPDATE = /^PATCH \/api\/collections\/([^/?]+)\/records\/([^/?]+)(\?.*)?$/
const DELETE = /^DELETE \/api\/collections\/([^/?]+)\/records\/([^/?]+)(\?.*)?$/

/**
 * The action of `method url`, or null when a batch cannot run it. `recordExists` decides upserts
 * (collection and id as given in the request).
 */
export function resolveAction(method: string, url: string, body: Record<string, unknown>, recordExists: (collection: string, id: string) => boolean): ResolvedAction | null {
  const full = `${method} ${url}`
  if (CREATE.test(full)) return { method: "POST", url }
  if (UPDATE.test(full)) return { method: "PATCH", url }
  if (DELETE.test(full)) return { method: "DELETE", url }
  const upsert = UPSERT.exec(full)
  if (!upsert) return null
  const [, collection = "", query = ""] = upsert
  const id = typeof body.id === "string" ? body.id : ""
  if (id !== "" && recordExists(safeDecode(collection), id)) {
    return { method: "PATCH", url: `/api/collections/${collection}/records/${encodeURIComponent(id)}${query}` }
  }
  return { method: "POST", url: `/api/collections/${collection}/records${query}` }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
