/**
 * @module
 * Auth endpoints of auth collections: auth-with-password, auth-refresh, auth-methods.
 */
import { Hono } from "hono"
import { ApiError } from "../../core/errors.ts"
import { isSuperuser, type AuthContext, type Collection, type RecordData } from "../../core/types.ts"
import { authenticateWithPassword, issueAuthToken } from "../../auth/password-auth.ts"
import { recordJSON } from "../../records/render.ts"
import { parseJsonObject } from "../body.ts"
import type { HttpEnv } from "../context.ts"
import { clientIp } from "../client-ip.ts"

const missingAuthCollection = () => new ApiError(404, "Missing or invalid auth collection context.")

function authCollection(c: { get(key: "services"): HttpEnv["Variables"]["services"] }, idOrName: string): Collection {
  const collection = c.get("services").collections.find(idOrName)
  if (!collection || collection.type !== "auth") throw missingAuthCollection()
  return collection
}

function authResponse(collection: Collection, record: RecordData, token: string, viewer: AuthContext | null) {
  return { token, record: recordJSON(collection, record, { showHidden: isSuperuser(viewer) || collection.name === "_superusers", showEmail: true }) }
}

export const recordAuthRoutes = new Hono<HttpEnv>()
  .post("/:collection/auth-with-password", async (c) => {
    const collection = authCollection(c, c.req.param("collection"))
    const services = c.get("services")
    const body = await parseJsonObject(c.req.raw, services.config.bodyLimit, () => new ApiError(400, "An error occurred while loading the submitted data."))
    const record = await authenticateWithPassword(
      collection,
      { identity: body.identity, password: body.password, identityField: body.identityField, ip: clientIp(c.req.raw, c.env) },
      { findByField: (col, field, value) => services.records.findByField(col, field, value) },
      services.loginThrottle,
    )
    return c.json(authResponse(collection, record, issueAuthToken(collection, record), c.get("auth")))
  })
  .post("/:collection/auth-refresh", (c) => {
    const auth = c.get("auth")
    if (!auth) throw new ApiError(401, "The request requires valid record authorization token.")
    const collection = c.get("services").collections.find(c.req.param("collection"))
    if (!collection || collection.id !== auth.collection.id) {
      throw new ApiError(403, `The request requires auth record from ${auth.collection.name} collection.`)
    }
    return c.json(authResponse(collection, auth.record, issueAuthToken(collection, auth.record), auth))
  })
  .get("/:collection/auth-methods", (c) => {
    const collection = authCollection(c, c.req.param("collection"))
    const passwordAuth = collection.passwordAuth as { enabled: boolean; identityFields: string[] }
    const identityFields = passwordAuth.enabled ? passwordAuth.identityFields : []
    const mfa = collection.mfa as { enabled: boolean; duration: number }
    const otp = collection.otp as { enabled: boolean; duration: number }
    return c.json({
      password: { identityFields, enabled: passwordAuth.enabled },
      oauth2: { providers: [], enabled: false },
      mfa: { enabled: mfa.enabled, duration: mfa.enabled ? mfa.duration : 0 },
      otp: { enabled: otp.enabled, duration: otp.enabled ? otp.duration : 0 },
      authProviders: null,
      usernamePassword: passwordAuth.enabled && identityFields.includes("username"),
      emailPassword: passwordAuth.enabled && identityFields.includes("email"),
    })
  })
