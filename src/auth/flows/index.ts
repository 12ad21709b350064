/**
 * @module
 * The auth flows beyond password login, behind one object per app: verification, password
 * reset and email change (more join as they are built).
 */
import type { AuthContext, Collection } from "../../core/types.ts"
import type { FlowDeps } from "./deps.ts"
import { ResendGuard } from "./resend-guard.ts"
import { confirmVerification, requestVerification } from "./verification.ts"
import { confirmPasswordReset, requestPasswordReset } from "./password-reset.ts"
import { confirmEmailChange, requestEmailChange } from "./email-change.ts"

export type { FlowDeps } from "./deps.ts"

/** Every mail-driven auth flow of one app. */
export class AuthFlows {
  readonly #deps: FlowDeps
  readonly #verificationGuard = new ResendGuard()
  readonly #resetGuard = new ResendGuard()

  constructor(deps: FlowDeps) {
    this.#deps = deps
  }

  requestVerification = (collection: Collection, body: Record<string, unknown>) => requestVerification(this.#deps, this.#verificationGuard, collection, body)
  confirmVerification = (collection: Collection, body: Record<string, unknown>) => confirmVerification(this.#deps, this.#verificationGuard, collection, body)
  requestPasswordReset = (collection: Collection, body: Record<string, unknown>) => requestPasswordReset(this.#deps, this.#resetGuard, collection, body)
  confirmPasswordReset = (collection: Collection, body: Record<string, unknown>) => confirmPasswordReset(this.#deps, this.#resetGuard, collection, body)
  requestEmailChange = (collection: Collection, auth: AuthContext, body: Record<string, unknown>) => requestEmailChange(this.#deps, collection, auth, body)
  confirmEmailChange = (collection: Collection, body: Record<string, unknown>) => confirmEmailChange(this.#deps, collection, body)
}
