/**
 * @module
 * What a view shows while its API loads or when it fails; a 404 means this server does not
 * offer that API (yet), which is said plainly instead of as a generic error.
 */
import type { ComponentChildren } from "preact"
import type { Loaded } from "../use-api.ts"
import { Notice } from "./form.tsx"

/** Renders `children` once `loaded` has data; otherwise a loading line or the error. */
export function ApiState<T>({ loaded, what, children }: { loaded: Loaded<T>; what: string; children: (data: T) => ComponentChildren }) {
  if (loaded.status === 404) {
    return <Notice kind="error">This server does not offer the {what} API (it answered 404 Not Found).</Notice>
  }
  if (loaded.error && loaded.data === null) return <Notice kind="error">{loaded.error}</Notice>
  if (loaded.data === null) return <p>Loading…</p>
  return <>{loaded.error && <Notice kind="error">{loaded.error}</Notice>}{children(loaded.data)}</>
}
