/**
 * @module
 * The `{record, token}` answer every auth flow ends with (password, refresh, impersonate): the
 * collection's authRule is checked first, then the record is rendered as the authenticated record
 * sees itself (email always, hidden fields only for superusers), expanded and picked, inside
 * the `onRecordAuthRequest` hook (which may change the record or token, or answer by itself).
 */
import { ApiError, badRequest, forbidden } from "../core/errors.ts"
import type { Collection, RecordData, RequestInfo } from "../core/types.ts"
import { isThenable, RecordAuthRequestEvent, type AppHooks } from "../hooks/index.ts"
import type { RuleEvaluator } from "../records/access.ts"
import type { RecordRenderer } from "../records/expand.ts"
import { parseExpand } from "../records/expand-paths.ts"
import { FieldsParamError, pickResponse } from "../records/pick-fields.ts"

/** What an auth response needs from the records layer. */
export interface AuthResponseDeps {
  rules: RuleEvaluator
  renderer: RecordRenderer
  hooks: AppHooks
}

/** The `expand` and `fields` query parameters of the auth request. */
export interface AuthResponseOptions {
  expand?: string
  fields?: string
}

/** PocketBase's answer when the authRule (or a locked `null` authRule) refuses the record. */
export const authRuleDenied = (): ApiError => forbidden("The request doesn't satisfy the collection requirements to authenticate.")

/**
 * Checks `collection.authRule` for `record` and builds `{record, token}`.
 * The rule sees the request as it came in: `@request.auth` is the requester's previous auth
 * (a superuser requester bypasses it), `@request.context` whatever the flow set. The rendering
 * and expansion then see the authenticated record as the requester, as PocketBase's do.
 */
export function authResponse(
  deps: AuthResponseDeps,
  auth: { collection: Collection; record: RecordData; token: string; method: string },
  request: RequestInfo,
  options: AuthResponseOptions,
): unknown {
  const { collection, record, token } = auth
  const rule = collection.authRule === undefined ? "" : collection.authRule
  if (!deps.rules.allows(collection, rule, String(record.id), request)) throw authRuleDenied()
  const event = new RecordAuthRequestEvent(request, collection, record, token, auth.method)
  const done = deps.hooks.onRecordAuthRequest.trigger(event, (e) => {
    e.response = render(deps, e, options)
  })
  return isThenable(done) ? Promise.resolve(done).then(() => event.response) : event.response
}

function render(deps: AuthResponseDeps, event: RecordAuthRequestEvent, options: AuthResponseOptions): unknown {
  const { collection, record, token } = event
  const viewer: RequestInfo = { ...event.request, auth: { collection, record } }
  const tree = options.expand ? parseExpand(options.expand) : null
  const [rendered] = deps.renderer.render(collection, [record], viewer, tree, true)
  try {
    return pickResponse({ record: rendered, token }, options.fields)
  } catch (error) {
    if (error instanceof FieldsParamError) throw new ApiError(400, badRequest().message, {}, { cause: error })
    throw error
  }
}
