/**
 * @module
 * First-run setup: while no superuser exists, `serve` prints a link carrying a short-lived
 * install token, and the dashboard uses it to create the first superuser. The token is a JWT
 * signed with the `_superusers` collection's auth secret (stored in the database), so any
 * `--workers` process can check it, and it stops working once a superuser exists.
 */
import { ApiError, badRequest, fieldError } from "../core/errors.ts"
import { encodeJwt } from "../auth/jwt.ts"
import { verify } from "../auth/tokens.ts"
import { createSuperuser, SuperuserInputError } from "../auth/superusers.ts"
import { SUPERUSERS } from "../records/collection-defaults.ts"
import type { Services } from "../services.ts"

/** How long an install link works, in seconds. @default 30 minutes */
export const INSTALL_TOKEN_DURATION = 1_800
const INSTALL_TOKEN_TYPE = "dashboardInstall"
const INVALID_DATA = "An error occurred while validating the submitted data."

type InstallDeps = Pick<Services, "collections" | "records" | "recordLifecycle">

// A prefix keeps install tokens from ever verifying as another kind signed with the same secret.
function installKey(deps: InstallDeps): { key: string; collectionId: string } {
  const collection = deps.collections.get(SUPERUSERS)
  const secret = (collection.authToken as { secret: string }).secret
  return { key: `dashboard-install:${secret}`, collectionId: collection.id }
}

/** True while there is no superuser yet. */
export function needsFirstSuperuser(deps: InstallDeps): boolean {
  return deps.records.count(deps.collections.get(SUPERUSERS)) === 0
}

/** A signed install token valid for {@link INSTALL_TOKEN_DURATION} seconds. */
export function signInstallToken(deps: InstallDeps, now = Date.now()): string {
  const { key, collectionId } = installKey(deps)
  return encodeJwt({ id: "install", type: INSTALL_TOKEN_TYPE, collectionId, exp: Math.floor(now / 1000) + INSTALL_TOKEN_DURATION }, key)
}

/** The dashboard link `serve` prints when no superuser exists, or null when one does. */
export function installLink(deps: InstallDeps, baseUrl: string): string | null {
  return needsFirstSuperuser(deps) ? `${baseUrl.replace(/\/+$/, "")}/_/#/install/${signInstallToken(deps)}` : null
}

/** Whether `token` is a live install token and no superuser exists yet. */
export function installTokenValid(deps: InstallDeps, token: unknown): boolean {
  const claims = typeof token === "string" ? verify(token, installKey(deps).key) : null
  return claims?.type === INSTALL_TOKEN_TYPE && needsFirstSuperuser(deps)
}

/**
 * Creates the first superuser from `{ token, email, password, passwordConfirm }`. Answers 401
 * for a bad, expired or used token and 400 with field errors for bad input.
 */
export async function installFirstSuperuser(deps: InstallDeps, body: Record<string, unknown>): Promise<void> {
  if (!installTokenValid(deps, body.token)) throw new ApiError(401, "The install link is invalid or has expired.")
  const email = typeof body.email === "string" ? body.email.trim() : ""
  const password = typeof body.password === "string" ? body.password : ""
  if (password !== body.passwordConfirm) {
    throw badRequest(INVALID_DATA, { passwordConfirm: fieldError("validation_values_mismatch", "Values don't match.") })
  }
  try {
    await createSuperuser(deps, email, password)
  } catch (error) {
    if (!(error instanceof SuperuserInputError)) throw error
    const field = /password/.test(error.message) ? "password" : "email"
    throw new ApiError(400, INVALID_DATA, { [field]: fieldError("validation_invalid", error.message) }, { cause: error })
  }
}
