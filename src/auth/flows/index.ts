/**
 * @module
 * The auth flows beyond the password check, behind one object per app: verification, password
 * reset, email change, OTP, OAuth2, and the completion every sign-in shares (authRule, MFA,
 * alerts).
 */
import type { AuthContext, Collection, RecordData, RequestInfo } from "../../core/types.ts"
import type { AuthResponseOptions } from "../auth-response.ts"
import type { FlowDeps } from "./deps.ts"
import { ResendGuard } from "./resend-guard.ts"
import { confirmVerification, requestVerification } from "./verification.ts"
import { confirmPasswordReset, requestPasswordReset } from "./password-reset.ts"
import { confirmEmailChange, requestEmailChange } from "./email-change.ts"
import { OtpFlow } from "./otp.ts"
import { SystemRecords } from "./system-records.ts"
import { completeAuth, type AuthMethod, type AuthOrigin, type AuthOutcome, type CompletionDeps } from "./auth-completion.ts"
import type { AppHooks } from "../../hooks/index.ts"
import type { RecordService } from "../../records/service.ts"
import { AppleNames, deliverRedirect, forwardRedirect, signInWithOAuth2, type OAuth2Deps, type OAuth2SignIn, type RedirectData } from "../oauth2/index.ts"
import type { Realtime } from "../../realtime/service.ts"

export type { FlowDeps } from "./deps.ts"
export { mfaIdOf, type AuthMethod, type AuthOrigin, type AuthOutcome } from "./auth-completion.ts"
export { sendTestEmail } from "./test-email.ts"

/** Every auth flow of one app. */
export class AuthFlows {
  readonly #deps: CompletionDeps
  readonly #verificationGuard = new ResendGuard()
  readonly #resetGuard = new ResendGuard()
  readonly otp: OtpFlow
  readonly #oauth2: OAuth2Deps
  /** Let OAuth2 avatars download from loopback/private addresses (tests with a local provider). @default false */
  allowPrivateAvatarHosts = false

  constructor(deps: FlowDeps & { recordService: RecordService; hooks: AppHooks }) {
    this.#deps = { ...deps, renderer: deps.recordService.renderer, mfas: new SystemRecords(deps, "_mfas"), authOrigins: new SystemRecords(deps, "_authOrigins") }
    this.otp = new OtpFlow(deps, new SystemRecords(deps, "_otps"))
    this.#oauth2 = {
      ...deps,
      externalAuths: new SystemRecords(deps, "_externalAuths"),
      appleNames: new AppleNames(),
      allowPrivateAvatarHosts: () => this.allowPrivateAvatarHosts,
    }
  }

  /**
   * `/api/oauth2-redirect`: hands the code to the waiting realtime client, here or (with
   * `clustered`) on another process; false when it cannot.
   */
  oauth2Redirect(realtime: Realtime, data: RedirectData, ip: string, clustered: boolean): boolean {
    if (data.state !== "" && realtime.hub.clientById(data.state)) return deliverRedirect(realtime.hub, data, ip, this.#oauth2.appleNames)
    return clustered && forwardRedirect(realtime, data, ip)
  }

  /** Exchanges an OAuth2 code and finds, links or creates the record (see `signInWithOAuth2`). */
  signInWithOAuth2(collection: Collection, body: Record<string, unknown>, request: RequestInfo): Promise<OAuth2SignIn> {
    return signInWithOAuth2(this.#oauth2, collection, body, request)
  }

  requestVerification = (collection: Collection, body: Record<string, unknown>) => requestVerification(this.#deps, this.#verificationGuard, collection, body)
  confirmVerification = (collection: Collection, body: Record<string, unknown>) => confirmVerification(this.#deps, this.#verificationGuard, collection, body)
  requestPasswordReset = (collection: Collection, body: Record<string, unknown>) => requestPasswordReset(this.#deps, this.#resetGuard, collection, body)
  confirmPasswordReset = (collection: Collection, body: Record<string, unknown>) => confirmPasswordReset(this.#deps, this.#resetGuard, collection, body)
  requestEmailChange = (collection: Collection, auth: AuthContext, body: Record<string, unknown>) => requestEmailChange(this.#deps, collection, auth, body)
  confirmEmailChange = (collection: Collection, body: Record<string, unknown>) => confirmEmailChange(this.#deps, collection, body)

  /** The answer of a sign-in by `method` (authRule, MFA, login alert). */
  complete(auth: { collection: Collection; record: RecordData; method: AuthMethod; meta?: unknown }, request: RequestInfo, origin: AuthOrigin, options: AuthResponseOptions): Promise<AuthOutcome> {
    return completeAuth(this.#deps, auth, request, origin, options)
  }
}
