/**
 * @module
 * The Hono environment shared by every route: what the app puts on each request.
 */
import type { AuthContext } from "../core/types.ts"
import type { Services } from "../services.ts"
import type { ServerBindings } from "./client-ip.ts"

export interface HttpEnv {
  Bindings: ServerBindings
  Variables: {
    auth: AuthContext | null
    services: Services
    /** The client's IP after the trusted-proxy settings (the peer's address without them). */
    clientIp: string
    /** The socket peer's address, read once per request (Bun's lookup is not free). */
    remoteIp: string
    /** Set by routes whose answers may be framed (uploaded files): no `X-Frame-Options`. */
    allowFraming?: boolean
  }
}
