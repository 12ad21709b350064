/**
 * @module
 * `GET|POST /api/oauth2-redirect`: the provider sends the browser back here with `code` and
 * `state`; `state` is the realtime client id of the SDK that started the sign-in, subscribed to
 * `@oauth2`, and only that client gets the message. With several processes, a redirect whose
 * client is not local is published to all of them and a send hook lets it through only to that
 * client. The browser sees a short page.
 */
import type { Hub } from "../../realtime/hub.ts"
import type { Realtime } from "../../realtime/service.ts"
import type { AppHooks } from "../../hooks/index.ts"
import { STORE_IP } from "../../realtime/client.ts"
import type { AppleNames } from "./apple-names.ts"

/** The realtime topic the SDK waits on. */
export const OAUTH2_TOPIC = "@oauth2"

/** What the provider sent back. */
export interface RedirectData {
  state: string
  code: string
  error: string
  /** Apple's posted `user` JSON (first sign-in only), or "". */
  appleUser: string
}

/** Hands the redirect to its waiting client; false when there is none (or it may not have it). */
export function deliverRedirect(hub: Hub, data: RedirectData, ip: string, appleNames: AppleNames): boolean {
  if (data.state === "") return false
  const client = hub.clientById(data.state)
  if (!client || client.isDiscarded() || !client.hasSubscription(OAUTH2_TOPIC)) return false
  client.unsubscribe(OAUTH2_TOPIC)
  // The browser that finished the sign-in must be where the realtime connection came from.
  const storedIp = client.get(STORE_IP)
  if (typeof storedIp === "string" && storedIp !== "" && storedIp !== ip) return false
  if (data.error === "" && data.code !== "") appleNames.remember(data.code, data.appleUser)
  const message: Record<string, string> = { state: data.state, code: data.code }
  if (data.error !== "") message.error = data.error
  client.send({ name: OAUTH2_TOPIC, data: JSON.stringify(message) })
  return data.error === "" && data.code !== ""
}

/** Marks a forwarded redirect; carries the browser's IP to the process holding the client. */
const FORWARDED_IP = "forwardedFromIp"

/**
 * Publishes a redirect whose client is on another process (every process hears it; see
 * {@link deliverForwardedRedirects}). The page can only assume success when a code came back.
 */
export function forwardRedirect(realtime: Realtime, data: RedirectData, ip: string): boolean {
  if (data.state === "") return false
  realtime.publish(OAUTH2_TOPIC, { state: data.state, code: data.code, error: data.error, [FORWARDED_IP]: ip })
  return data.error === "" && data.code !== ""
}

/** Binds the message-send hook that hands forwarded redirects to their client only; returns its remover. */
export function deliverForwardedRedirects(hooks: AppHooks): () => void {
  const id = hooks.onRealtimeMessageSend.bindFunc((e) => {
    const forwarded = forwardedRedirect(e.message.data, e.message.name)
    if (!forwarded) return e.next()
    const storedIp = e.client.get(STORE_IP)
    // Not this client's redirect: skipped (next() not called).
    if (forwarded.state !== e.client.id || (typeof storedIp === "string" && storedIp !== "" && storedIp !== forwarded[FORWARDED_IP])) return
    e.client.unsubscribe(OAUTH2_TOPIC)
    const delivered: Record<string, unknown> = { state: forwarded.state, code: forwarded.code }
    if (forwarded.error) delivered.error = forwarded.error
    e.message = { name: OAUTH2_TOPIC, data: JSON.stringify(delivered) }
    return e.next()
  })
  return () => hooks.onRealtimeMessageSend.unbind(id)
}

// The forwarded redirect a message carries, or null for any other message.
function forwardedRedirect(data: string, name: string): Record<string, unknown> | null {
  if (name !== OAUTH2_TOPIC || !data.includes(FORWARDED_IP)) return null
  try {
    const forwarded = JSON.parse(data) as Record<string, unknown>
    return typeof forwarded[FORWARDED_IP] === "string" ? forwarded : null
  } catch {
    return null
  }
}

/** The page the browser lands on. */
export function redirectPage(ok: boolean): { html: string } {
  const text = ok ? "Signed in. You can close this window and return to the app." : "The sign-in did not complete. Close this window and try again from the app."
  return { html: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${ok ? "Signed in" : "Sign-in failed"}</title></head><body><p>${text}</p></body></html>` }
}
