/**
 * @module
 * Auth endpoints of auth collections: auth-with-password, auth-refresh, auth-methods and
 * impersonate. Each parses the request and hands the record to `authResponse`, which checks the
 * authRule and renders `{token, record}`.
 */
import { Hono, type Context } from "hono"
import { ApiError, badRequest, fieldError } from "../../core/errors.ts"
import type { Collection } from "../../core/types.ts"
import { authenticateWithPassword, issueAuthToken } from "../../auth/password-auth.ts"
import { authResponse, type AuthResponseDeps } from "../../auth/auth-response.ts"
import { tokenFromAuthorization } from "../../auth/authorization.ts"
import { decodeUnverified } from "../../auth/tokens.ts"
import { parseJsonObject } from "../body.ts"
import type { HttpEnv } from "../context.ts"
import { requireSuperuser } from "../guards.ts"
import { requestInfo } from "../request-info.ts"

const missingCollection = () => new ApiError(404, "Missing or invalid collection context.")
const missingAuthCollection = () => new ApiError(404, "Missing or invalid auth collection context.")
const loadingFailed = () => new ApiError(400, "An error occurred while loading the submitted data.")

// PocketBase's per-collection rate-limit middleware looks the collection up before the handler,
// so an unknown name answers with its wording and a non-auth one with the handler's.
function authCollection(c: Context<HttpEnv>): Collection {
  const collection = c.get("services").collections.find(c.req.param("collection") ?? "")
  if (!collection) throw missingCollection()
  if (collection.type !== "auth") throw missingAuthCollection()
  return collection
}

function deps(c: Context<HttpEnv>): AuthResponseDeps {
  const services = c.get("services")
  return { rules: services.rules, renderer: services.recordService.renderer, hooks: services.hooks }
}

const responseOptions = (c: Context<HttpEnv>) => ({ expand: c.req.query("expand"), fields: c.req.query("fields") })

// golang-jwt claims are loosely typed: PocketBase reads `refreshable` with cast.ToBool.
function isRefreshable(token: string): boolean {
  const value = decodeUnverified(token)?.refreshable
  return value === true || value === 1 || value === "true" || value === "1"
}

export const recordAuthRoutes = new Hono<HttpEnv>()
  .post("/:collection/auth-with-password", async (c) => {
    const collection = authCollection(c)
    const services = c.get("services")
    const body = await parseJsonObject(c.req.raw, services.config.bodyLimit, loadingFailed)
    const record = await authenticateWithPassword(
      collection,
      { identity: body.identity, password: body.password, identityField: body.identityField, ip: c.get("clientIp") },
      services.records,
      services.loginThrottle,
    )
    const request = { ...requestInfo(c, body), context: "password" as const }
    return c.json(await authResponse(deps(c), { collection, record, token: issueAuthToken(collection, record), method: "password" }, request, responseOptions(c)))
  })
  .post("/:collection/auth-refresh", async (c) => {
    const collection = c.get("services").collections.find(c.req.param("collection"))
    if (!collection) throw missingCollection()
    const auth = c.get("auth")
    if (!auth) throw new ApiError(401, "The request requires valid record authorization token.")
    if (collection.id !== auth.collection.id) {
      throw new ApiError(403, `The request requires auth record from ${auth.collection.name} collection.`)
    }
    // Non-refreshable (impersonation) tokens are echoed back unchanged.
    const current = tokenFromAuthorization(c.req.header("authorization"))
    const token = isRefreshable(current) ? issueAuthToken(collection, auth.record) : current
    return c.json(await authResponse(deps(c), { collection, record: auth.record, token, method: "refresh" }, requestInfo(c), responseOptions(c)))
  })
  .post("/:collection/impersonate/:id", async (c) => {
    requireSuperuser(c.get("auth"))
    const services = c.get("services")
    const collection = services.collections.find(c.req.param("collection"))
    if (!collection || collection.type !== "auth") throw missingAuthCollection()
    const record = services.records.findById(collection, c.req.param("id"))
    if (!record) throw new ApiError(404, "The requested resource wasn't found.")
    const body = await parseJsonObject(c.req.raw, services.config.bodyLimit, loadingFailed)
    const duration = body.duration ?? 0
    if (typeof duration !== "number" || !Number.isInteger(duration)) throw loadingFailed()
    if (duration < 0) {
      throw badRequest("An error occurred while validating the submitted data.", {
        duration: fieldError("validation_min_greater_equal_than_required", "Must be no less than 0.", { threshold: 0 }),
      })
    }
    const token = issueAuthToken(collection, record, false, duration)
    return c.json(await authResponse(deps(c), { collection, record, token, method: "impersonate" }, requestInfo(c, body), responseOptions(c)))
  })
  .get("/:collection/auth-methods", (c) => {
    const collection = authCollection(c)
    const passwordAuth = collection.passwordAuth as { enabled: boolean; identityFields: string[] }
    const identityFields = passwordAuth.enabled ? passwordAuth.identityFields : []
    const mfa = collection.mfa as { enabled: boolean; duration: number }
    const otp = collection.otp as { enabled: boolean; duration: number }
    return c.json({
      password: { identityFields, enabled: passwordAuth.enabled },
      oauth2: { providers: [], enabled: false },
      mfa: { enabled: mfa.enabled, duration: mfa.enabled ? mfa.duration : 0 },
      otp: { enabled: otp.enabled, duration: otp.enabled ? otp.duration : 0 },
      authProviders: [],
      usernamePassword: passwordAuth.enabled && identityFields.includes("username"),
      emailPassword: passwordAuth.enabled && identityFields.includes("email"),
    })
  })
