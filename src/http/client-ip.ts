/**
 * @module
 * The peer address of a request, as Bun's server reports it.
 */
import type { Server } from "bun"

/** Bindings the app receives from `Bun.serve` (absent when called in-process with `app.fetch`). */
export interface ServerBindings {
  server?: Server<unknown>
}

/** The client's IP address, or "" when the request did not come through a socket. */
export function clientIp(request: Request, env: ServerBindings | undefined): string {
  return env?.server?.requestIP(request)?.address ?? ""
}
