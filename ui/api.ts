/**
 * @module
 * The dashboard's one API client (the official SDK, against the serving origin) and helpers
 * that turn API errors into messages and per-input errors.
 */
import PocketBase, { ClientResponseError, LocalAuthStore } from "pocketbase"

/** The SDK client; its auth is kept in localStorage under a key of our own. */
export const pb = new PocketBase(location.origin, new LocalAuthStore("pocketbun_dashboard_auth"))
// Views load in parallel and re-poll; the SDK's default cancels duplicate requests.
pb.autoCancellation(false)
// An expired or revoked session sends the superuser back to the sign-in form.
pb.afterSend = (response, data) => {
  if (response.status === 401 && pb.authStore.token) pb.authStore.clear()
  return data
}

/** Per-input error messages keyed by dotted path (`fields.0.name`, `listRule`). */
export type FieldErrors = Record<string, string>

/** Flattens PocketBase's nested `data` of a 400 into dotted paths. */
export function fieldErrors(error: unknown): FieldErrors {
  const out: FieldErrors = {}
  const walk = (value: unknown, path: string) => {
    if (!value || typeof value !== "object") return
    const entry = value as Record<string, unknown>
    if (typeof entry.message === "string" && typeof entry.code === "string") {
      out[path] = entry.message
      return
    }
    for (const [key, child] of Object.entries(entry)) walk(child, path ? `${path}.${key}` : key)
  }
  if (error instanceof ClientResponseError) walk(error.response?.data, "")
  return out
}

/** A one-line description of any error for a banner. */
export function errorMessage(error: unknown): string {
  if (error instanceof ClientResponseError) {
    if (error.status === 0) return "The server could not be reached."
    return error.response?.message || error.message
  }
  return error instanceof Error ? error.message : String(error)
}

/** The HTTP status of an API error (0 for network errors and everything else). */
export const errorStatus = (error: unknown): number => (error instanceof ClientResponseError ? error.status : 0)
