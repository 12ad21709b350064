/**
 * @module
 * Resume after a reconnect, independent of the transport: a client that reconnects with the
 * cursor of the last event it got (`Last-Event-ID`, or `?lastEventId=`) receives, right after its
 * first subscription POST, a `PB_RESUME` message and then every logged event after the cursor
 * that its new subscriptions match and its current auth may see (judged now, as a live event),
 * in commit order. Events handed to this process's fan-out after that point reach it live; its
 * live frames of the replayed ones are skipped, so nothing comes twice or goes missing at the seam.
 */
import type { Client } from "./client.ts"
import type { ChangeLog } from "./change-log.ts"
import { customFramesFor } from "./custom-messages.ts"
import type { RecordFanout } from "./record-fanout.ts"
import { PB_RESUME, type Message } from "./sse.ts"

/** Store key of the cursor a client connected with, until its first POST uses it. */
export const STORE_RESUME_CURSOR = "pbResumeCursor"

/** What `PB_RESUME` tells the client: `complete: false` means events were lost and it must refetch. */
export interface ResumeOutcome {
  from: string
  replayed: number
  complete: boolean
}

/** What a replay reads. */
export interface ResumeSource {
  log: ChangeLog
  fanout: RecordFanout
  /** The highest sequence number handed to this process's fan-out: later events reach the client live. */
  handedOver: number
}

/** The cursor a stream request carries: the `Last-Event-ID` header, else the `lastEventId` query parameter; null when neither. */
export function requestedCursor(request: Request): string | null {
  const header = request.headers.get("last-event-id")
  if (header !== null) return header
  return new URL(request.url).searchParams.get("lastEventId")
}

function parseCursor(cursor: string): number | null {
  return /^\d{1,15}$/.test(cursor) ? Number(cursor) : null
}

/**
 * What a client resuming from `cursor` gets right now: `PB_RESUME` (its `id:` is the seam, so the
 * next reconnect resumes from there even if nothing else arrives) and the replayed frames, plus
 * the seam (live frames up to it must be skipped). An unknown, malformed or too old cursor
 * replays nothing and says `complete: false`.
 */
export function resumeFrames(client: Client, cursor: string, source: ResumeSource): { messages: Message[]; seam: number } {
  const { log, fanout, handedOver } = source
  const from = parseCursor(cursor)
  const frames: Message[] = []
  let complete = from !== null && from >= log.floor() && from <= log.latest()
  if (complete) {
    for (const { event } of log.between(from!, handedOver)) {
      if (event === null) continue
      frames.push(...(event.type === "record" ? fanout.framesFor(client, event) : customFramesFor(client, event)))
    }
    // Pruned while we read: the replay may be short.
    complete = from! >= log.floor()
    if (!complete) frames.length = 0
  }
  const outcome: ResumeOutcome = { from: cursor, replayed: frames.length, complete }
  const seam = Math.max(handedOver, complete ? from! : 0)
  return { messages: [{ name: PB_RESUME, data: JSON.stringify(outcome), id: String(seam) }, ...frames], seam }
}

/** Resumes the client if it connected with a cursor and has not resumed yet (its first POST). */
export function resumeIfAsked(client: Client, source: ResumeSource): void {
  const cursor = client.get(STORE_RESUME_CURSOR)
  if (typeof cursor !== "string") return
  client.set(STORE_RESUME_CURSOR, undefined)
  const { messages, seam } = resumeFrames(client, cursor, source)
  client.resume(messages, seam)
}
