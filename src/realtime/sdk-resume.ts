/**
 * @module
 * Opt-in resume for the official JS SDK (`pocketbase` on npm): after `resumeRealtime(pb)`, every
 * reconnect of `pb.realtime` (network blip, server restart, slow-client disconnect) asks the
 * server for what the client missed, and the SDK's callbacks receive it before the live events,
 * in commit order, none twice. `onResume` says when that was not possible (`complete: false`:
 * refetch what the page shows).
 *
 * @example
 * import PocketBase from "pocketbase"
 * import { resumeRealtime } from "pocketbun/sdk-resume"
 *
 * const pb = new PocketBase("http://127.0.0.1:8090")
 * resumeRealtime(pb, { onResume: ({ complete }) => complete || reloadTheList() })
 * await pb.collection("posts").subscribe("*", (e) => render(e))
 *
 * It works with the SDK's own reconnect logic: it adds the last seen event id to the stream URL
 * (`?lastEventId=`) and notes the id of every event the SDK receives. Relies on the SDK's
 * `RealtimeService` internals (`initConnect`, `disconnect`, `eventSource`), stable since 0.15.
 */

import type { ResumeOutcome } from "./resume.ts"

/** What `PB_RESUME` reports after a reconnect: `complete: false` means events were lost (refetch). */
export type ResumeReport = ResumeOutcome

export interface ResumeOptions {
  /** Called after every reconnect with what the server could replay. */
  onResume?: (report: ResumeReport) => void
}

/** The part of the SDK client the helper touches. */
interface SdkClient {
  buildURL(path: string, ...rest: unknown[]): string
  realtime: object
}

/** The SDK's `RealtimeService` internals the helper wraps (private in its types, plain fields at runtime). */
interface RealtimeInternals {
  initConnect(): void
  disconnect(fromReconnect?: boolean): void
  eventSource: EventSource | null
}

type Listener = (event: Event) => void

const STREAM_PATH = "/api/realtime"
const RESUME_EVENT = "PB_RESUME"
const CONNECT_EVENT = "PB_CONNECT"

/** Makes `pb.realtime` resume on its reconnects; returns the last seen cursor (for diagnostics). */
export function resumeRealtime(pb: SdkClient, options: ResumeOptions = {}): { cursor(): string | null } {
  const realtime = pb.realtime as RealtimeInternals
  let cursor: string | null = null
  let connecting = false

  const buildURL = pb.buildURL.bind(pb)
  pb.buildURL = (path: string, ...rest: unknown[]) => {
    const url = buildURL(path, ...rest)
    if (!connecting || path !== STREAM_PATH) return url
    // An empty cursor on the first connect asks for the starting point (PB_RESUME's id).
    return `${url}${url.includes("?") ? "&" : "?"}lastEventId=${encodeURIComponent(cursor ?? "")}`
  }

  const initConnect = realtime.initConnect
  realtime.initConnect = function (this: RealtimeInternals) {
    const reconnecting = cursor !== null
    connecting = true
    try {
      initConnect.call(this)
    } finally {
      connecting = false
    }
    if (this.eventSource) follow(this.eventSource, reconnecting)
  }

  const disconnect = realtime.disconnect
  realtime.disconnect = function (this: RealtimeInternals, fromReconnect = false) {
    // An explicit disconnect (everything unsubscribed) ends the session: a later connect starts fresh.
    if (!fromReconnect) cursor = null
    disconnect.call(this, fromReconnect)
  }

  const note = (event: Event) => {
    const id = (event as MessageEvent).lastEventId
    if (id) cursor = id
  }

  function follow(source: EventSource, reconnecting: boolean): void {
    const add = source.addEventListener.bind(source)
    const remove = source.removeEventListener.bind(source)
    const wrapped = new WeakMap<Listener, Listener>()
    source.addEventListener = ((type: string, listener: Listener, opts?: boolean | AddEventListenerOptions) => {
      if (type === CONNECT_EVENT || typeof listener !== "function") return add(type, listener, opts)
      let inner = wrapped.get(listener)
      if (!inner) {
        inner = (event) => {
          note(event)
          listener(event)
        }
        wrapped.set(listener, inner)
      }
      add(type, inner, opts)
    }) as EventSource["addEventListener"]
    source.removeEventListener = ((type: string, listener: Listener, opts?: boolean | EventListenerOptions) =>
      remove(type, wrapped.get(listener) ?? listener, opts)) as EventSource["removeEventListener"]
    add(RESUME_EVENT, (event) => {
      note(event)
      if (!reconnecting) return
      try {
        options.onResume?.(JSON.parse((event as MessageEvent).data) as ResumeReport)
      } catch (error) {
        console.error("onResume failed", error)
      }
    })
  }

  return { cursor: () => cursor }
}
