/**
 * @module
 * The mail-driven auth endpoints of auth collections: request/confirm verification, password
 * reset and email change (each answers 204), OTP request and sign-in, OAuth2 sign-in.
 */
import { Hono, type Context } from "hono"
import { ApiError } from "../../core/errors.ts"
import type { AuthContext, Collection } from "../../core/types.ts"
import type { AuthFlows } from "../../auth/flows/index.ts"
import { parseJsonObject } from "../body.ts"
import type { HttpEnv } from "../context.ts"
import { requestInfo } from "../request-info.ts"
import { authCollection, authOrigin, responseOptions } from "./record-auth.ts"

const loadingFailed = () => new ApiError(400, "An error occurred while loading the submitted data.")

const body = (c: Context<HttpEnv>) => parseJsonObject(c.req.raw, c.get("services").config.bodyLimit, loadingFailed)

// PocketBase's RequireSameCollectionContextAuth: signed in, and to this very collection.
function requireCollectionAuth(c: Context<HttpEnv>): AuthContext {
  const auth = c.get("auth")
  if (!auth) throw new ApiError(401, "The request requires valid record authorization token.")
  const collection = c.get("services").collections.find(c.req.param("collection") ?? "")
  if (!collection || collection.id !== auth.collection.id) {
    throw new ApiError(403, `The request requires auth record from ${auth.collection.name} collection.`)
  }
  return auth
}

type FlowCall = (flows: AuthFlows, collection: Collection, form: Record<string, unknown>) => unknown

// The request/confirm endpoints all take the auth collection and a body, and answer 204.
const noContent = (call: FlowCall) => async (c: Context<HttpEnv>) => {
  const collection = authCollection(c)
  await call(c.get("services").authFlows, collection, await body(c))
  return c.body(null, 204)
}

export const recordAuthFlowRoutes = new Hono<HttpEnv>()
  .post("/:collection/request-verification", noContent((flows, collection, form) => flows.requestVerification(collection, form)))
  .post("/:collection/confirm-verification", noContent((flows, collection, form) => flows.confirmVerification(collection, form)))
  .post("/:collection/request-password-reset", noContent((flows, collection, form) => flows.requestPasswordReset(collection, form)))
  .post("/:collection/confirm-password-reset", noContent((flows, collection, form) => flows.confirmPasswordReset(collection, form)))
  .post("/:collection/confirm-email-change", noContent((flows, collection, form) => flows.confirmEmailChange(collection, form)))
  .post("/:collection/request-email-change", async (c) => {
    const collection = c.get("services").collections.find(c.req.param("collection"))
    if (!collection) throw new ApiError(404, "Missing or invalid collection context.")
    const auth = requireCollectionAuth(c)
    await c.get("services").authFlows.requestEmailChange(authCollection(c), auth, await body(c))
    return c.body(null, 204)
  })
  .post("/:collection/request-otp", async (c) => {
    const collection = authCollection(c)
    return c.json(await c.get("services").authFlows.otp.request(collection, await body(c)))
  })
  .post("/:collection/auth-with-otp", async (c) => {
    const collection = authCollection(c)
    const flows = c.get("services").authFlows
    const form = await body(c)
    const record = await flows.otp.verify(collection, form)
    const request = { ...requestInfo(c, form), context: "otp" as const }
    const outcome = await flows.complete({ collection, record, method: "otp" }, request, authOrigin(c, form), responseOptions(c))
    return c.json(outcome.body, outcome.status)
  })
  .post("/:collection/auth-with-oauth2", async (c) => {
    const collection = authCollection(c)
    const flows = c.get("services").authFlows
    const form = await body(c)
    const request = { ...requestInfo(c, form), context: "oauth2" as const }
    const { record, meta } = await flows.signInWithOAuth2(collection, form, request)
    const outcome = await flows.complete({ collection, record, method: "oauth2", meta }, request, authOrigin(c, form), responseOptions(c))
    return c.json(outcome.body, outcome.status)
  })
