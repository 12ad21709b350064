/**
 * @module
 * `GET|POST /api/oauth2-redirect`: the provider sends the browser back here with `code` and
 * `state`; `state` is the realtime client id of the SDK that started the sign-in, subscribed to
 * `@oauth2`, and only that client gets the message. The browser sees a short page.
 */
import type { Hub } from "../../realtime/hub.ts"
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

/** The page the browser lands on. */
export function redirectPage(ok: boolean): { html: string } {
  const text = ok ? "Signed in. You can close this window and return to the app." : "The sign-in did not complete. Close this window and try again from the app."
  return { html: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${ok ? "Signed in" : "Sign-in failed"}</title></head><body><p>${text}</p></body></html>` }
}
