/**
 * @module
 * The last step of every sign-in method (password, OTP, OAuth2): the authRule, then MFA (a
 * first method answers 401 `{mfaId}`, a second, different one within the MFA duration completes),
 * then the `{token, record}` answer and, for a login from a new device, the alert mail.
 */
import { createHash } from "node:crypto"
import { ApiError, badRequest } from "../../core/errors.ts"
import { nowDateTime } from "../../core/clock.ts"
import type { Collection, RecordData, RequestInfo } from "../../core/types.ts"
import type { RecordRenderer } from "../../records/expand.ts"
import type { AppHooks } from "../../hooks/index.ts"
import { escapeMailText } from "../../mail/index.ts"
import { authResponse, authRuleDenied, type AuthResponseOptions } from "../auth-response.ts"
import { issueAuthToken } from "../password-auth.ts"
import type { FlowDeps } from "./deps.ts"
import { composeRecordMail } from "./record-mail.ts"
import { hasExpired, type SystemRecords } from "./system-records.ts"

/** The sign-in methods MFA tells apart. */
export type AuthMethod = "password" | "otp" | "oauth2"

/** Where a sign-in came from: the device fingerprint and the MFA session it continues. */
export interface AuthOrigin {
  ip: string
  userAgent: string
  /** `mfaId` from the query or the body ("" starts a new MFA session); read only when MFA applies. */
  mfaId: () => string
}

/** A finished sign-in, or the MFA session the client must continue with a second method. */
export type AuthOutcome = { status: 200; body: unknown } | { status: 401; body: { mfaId: string } }

/** PocketBase keeps this many known devices per record. */
const MAX_AUTH_ORIGINS = 5

export interface CompletionDeps extends FlowDeps {
  renderer: RecordRenderer
  hooks: AppHooks
  mfas: SystemRecords
  authOrigins: SystemRecords
}

/** Runs the authRule, MFA and alert steps and builds the answer for `record` signing in by `method`. */
export async function completeAuth(
  deps: CompletionDeps,
  auth: { collection: Collection; record: RecordData; method: AuthMethod; meta?: unknown },
  request: RequestInfo,
  origin: AuthOrigin,
  options: AuthResponseOptions,
): Promise<AuthOutcome> {
  const { collection, record } = auth
  const rule = collection.authRule === undefined ? "" : collection.authRule
  if (!deps.rules.allows(collection, rule, String(record.id), request)) throw authRuleDenied()
  const mfaId = checkMfa(deps, collection, record, auth.method, request, origin.mfaId)
  if (mfaId) return { status: 401, body: { mfaId } }
  const token = issueAuthToken(collection, record)
  // Awaited: the answer may come from hooks that run asynchronously.
  const body = (await authResponse(deps, { collection, record, token, method: auth.method }, request, options)) as Record<string, unknown>
  if ((collection.authAlert as { enabled?: boolean } | undefined)?.enabled) {
    // A failure to remember the device must not fail the sign-in (PocketBase only warns).
    try {
      recordOrigin(deps, collection, record, origin)
    } catch (error) {
      console.warn("auth: could not record the login's device:", error instanceof Error ? error.message : error)
    }
  }
  return { status: 200, body: auth.meta === undefined ? body : { ...body, meta: auth.meta } }
}

// Returns the new MFA session id when a second method is needed, "" when the sign-in may finish.
function checkMfa(deps: CompletionDeps, collection: Collection, record: RecordData, method: AuthMethod, request: RequestInfo, readMfaId: () => string): string {
  const mfa = collection.mfa as { enabled?: boolean; duration?: number; rule?: string } | undefined
  if (!mfa?.enabled) return ""
  const rule = mfa.rule ?? ""
  if (rule !== "" && !deps.rules.allows(collection, rule, String(record.id), request)) return ""
  const owner = { collection, record }
  const mfaId = readMfaId()
  if (mfaId === "") return String(deps.mfas.create(owner, { method }).id)
  const session = deps.mfas.findById(mfaId)
  if (!session || hasExpired(session.created, mfa.duration ?? 0)) {
    if (session) deps.mfas.delete(session)
    throw badRequest("Invalid or expired MFA session.")
  }
  if (session.recordRef !== record.id || session.collectionRef !== collection.id) throw badRequest("Invalid MFA session.")
  if (session.method === method) throw badRequest("A different authentication method is required.")
  deps.mfas.delete(session)
  return ""
}

// Remembers the device; a device not seen before (and not the very first login) gets the alert.
function recordOrigin(deps: CompletionDeps, collection: Collection, record: RecordData, origin: AuthOrigin): void {
  const userAgent = origin.userAgent.length > 200 ? `${origin.userAgent.slice(0, 200)}...` : origin.userAgent
  const fingerprint = createHash("md5").update(origin.ip + userAgent).digest("hex")
  const owner = { collection, record }
  const known = deps.authOrigins.findByOwner(owner)
  const current = known.find((row) => row.fingerprint === fingerprint)
  if (current) {
    deps.authOrigins.update(current, {})
    return
  }
  if (known.length > 0 && String(record.email ?? "") !== "") {
    const info = escapeMailText(`${nowDateTime()} - ${origin.ip} ${userAgent}`)
    const message = composeRecordMail(deps.mailSettings(), { kind: "authAlert", collection, record, placeholders: { "{ALERT_INFO}": info } })
    deps.mailer.sendInBackground(message, { kind: "authAlert", record, collectionName: collection.name })
  }
  for (const stale of known.slice(MAX_AUTH_ORIGINS - 1)) deps.authOrigins.delete(stale)
  deps.authOrigins.create(owner, { fingerprint })
}

/** The `mfaId` a sign-in continues: `?mfaId=` first, then the body's. */
export function mfaIdOf(query: Record<string, string>, body: Record<string, unknown>): string {
  if (query.mfaId) return query.mfaId
  const value = body.mfaId
  if (value !== undefined && value !== null && typeof value !== "string") throw new ApiError(400, "Failed to read MFA Id.")
  return typeof value === "string" ? value : ""
}
