/**
 * @module
 * The realtime an app runs: the hub, the delivery queue, record fan-out, the broker connection
 * and the commit feed, wired together; and the facade server code uses (custom publishing, the
 * cluster-aware subscription POST, presence and counters across every process).
 */
import { ApiError, notFound, type ErrorData } from "../core/errors.ts"
import type { AuthContext } from "../core/types.ts"
import type { Store } from "../db/store.ts"
import { isThenable, RealtimeMessageEvent, type AppHooks } from "../hooks/index.ts"
import type { RuleEvaluator } from "../records/access.ts"
import type { CollectionRegistry } from "../records/collections.ts"
import type { RecordRenderer } from "../records/expand.ts"
import { connectBroker, LocalBroker, type RealtimeBroker } from "./broker.ts"
import { ChangeLog, type ResumeWindow } from "./change-log.ts"
import { DEFAULT_BUFFER_BYTES, STORE_IP, type Client } from "./client.ts"
import type { CustomMessageEvent } from "./events.ts"
import { publishCommittedChanges } from "./commit-feed.ts"
import { DeliveryQueue } from "./delivery-queue.ts"
import { Hub, type HubStats } from "./hub.ts"
import { createRecordAccess } from "./record-access.ts"
import { RecordFanout } from "./record-fanout.ts"
import type { ClusterBroker } from "./cluster-broker.ts"
import { tallyEvents, type EventTally } from "./event-tally.ts"
import { resumeIfAsked } from "./resume.ts"
import { hasLineBreak, type Message } from "./sse.ts"
import type { SubscriptionOptions } from "./topics.ts"
import { applySubscriptions, type SubscribeRequest } from "./subscribe-request.ts"

/** How long a POST waits for the process that holds the stream before answering 404. @default 2000 */
export const FORWARD_TIMEOUT_MS = 2_000
const GATHER_TIMEOUT_MS = 1_000

/**
 * One process's counters; `late`/`superseded` count cross-process ordering outcomes (cluster
 * only), `brokerHealthy` whether its last Redis operation succeeded (cluster only), and
 * `eventsByCollection` the events it heard per collection (or `custom:<topic>`).
 */
export type NodeStats = HubStats & { node: string; eventsByCollection: EventTally; late?: number; superseded?: number; brokerHealthy?: boolean }

/** A connected client as presence lists it. */
export interface ClientInfo {
  id: string
  /** The bound auth record; `email` when it has one, so the inspector can name who it is. */
  auth: { id: string; collectionId: string; collectionName: string; email?: string } | null
  subscriptions: number
  connectedAt: string
  node: string
  /** How the client is connected (only SSE today). */
  transport: "sse"
  ip: string
  /** Each subscription's topic (without its options suffix) with its options, header values redacted. */
  topics: Array<{ topic: string; options: SubscriptionOptions }>
  /** Bytes waiting in the client's outbound queue, and the cap that disconnects it. */
  queuedBytes: number
  bufferBytes: number
}

/** Loads an auth context by ids (the process holding a stream re-reads the auth record). */
export type AuthLoader = (collectionId: string, recordId: string) => AuthContext | null

/** What server code uses to talk to realtime clients. */
export interface Realtime {
  readonly hub: Hub
  readonly broker: RealtimeBroker
  readonly nodeId: string
  /**
   * Sends `data` (JSON-encoded) to every client subscribed to exactly `topic`, on every process.
   * @example app.services.realtime.publish("notifications", { text: "deploy finished" })
   */
  publish<T>(topic: string, data: T): void
  /** Applies a subscription POST here, or on the process that holds the client's stream; throws the `ApiError` to answer with. */
  subscribe(request: SubscribeRequest): Promise<void>
  /** Every connected client on every process. */
  clients(): Promise<ClientInfo[]>
  /** Counters per process and in total. */
  stats(): Promise<{ total: HubStats; nodes: Array<NodeStats>; broker: "local" | "redis" | "socket" }>
  /** Resolves once every event handed over so far has been written to its clients' queues. */
  idle(): Promise<void>
  /**
   * Flow control for writers: nothing while the delivery backlog is short; while more than
   * `maxBacklogFrames` frames wait, a promise that resolves once it is short again. A write
   * answers as soon as it commits, so without this, writers faster than delivery would grow the
   * queue (and every subscriber's delay) without bound.
   */
  admitWrite(): Promise<void> | null
}

/** What realtime needs from the rest of the app. */
export interface RealtimeDeps {
  hooks: AppHooks
  store: Store
  collections: CollectionRegistry
  rules: RuleEvaluator
  renderer: RecordRenderer
  loadAuth: AuthLoader
  /** Outbound queue cap per client. @default 1 MiB */
  bufferBytes?: number
  /** Frames per delivery slice before yielding to the event loop. @default 250 */
  sliceSize?: number
  /** Frames that may wait for delivery before `admitWrite` holds writers back. @default 200_000 (about 1.5 s of delivery at full speed) */
  maxBacklogFrames?: number
  /** How long and how many events the change log keeps for resuming clients. @default 5 minutes and 100,000 events */
  resumeWindow?: ResumeWindow
  /** The cluster broker when running several processes; in-process delivery without one. */
  cluster?: ClusterBroker
  nodeId: string
}

interface ForwardedSubscribe {
  clientId: string
  body: unknown
  ip: string
  auth: { collectionId: string; recordId: string } | null
}

/** A forwarded POST's outcome as it crosses processes. */
type ForwardedOutcome = { status: 204 } | { status: number; body: { status: number; message: string; data: ErrorData } }

// Subscription headers may carry credentials; the inspector shows only their names.
const redactHeaders = (options: SubscriptionOptions): SubscriptionOptions => ({
  query: options.query,
  headers: Object.fromEntries(Object.keys(options.headers).map((name) => [name, "…"])),
})

function authIdentity(auth: AuthContext): NonNullable<ClientInfo["auth"]> {
  const identity = { id: String(auth.record.id), collectionId: auth.collection.id, collectionName: auth.collection.name }
  return typeof auth.record.email === "string" && auth.record.email !== "" ? { ...identity, email: auth.record.email } : identity
}

function clientInfo(client: Client, node: string, bufferBytes: number): ClientInfo {
  const auth = client.auth
  return {
    id: client.id,
    auth: auth ? authIdentity(auth) : null,
    subscriptions: client.subscriptionCount,
    connectedAt: new Date(client.connectedAt).toISOString().replace("T", " "),
    node,
    transport: "sse",
    ip: String(client.get(STORE_IP) ?? ""),
    topics: [...client.bases()].flatMap((base) => client.subscriptionsWithBase(base).map((sub) => ({ topic: base, options: redactHeaders(sub.options) }))),
    queuedBytes: client.queuedBytes,
    bufferBytes,
  }
}

/** Runs the message-send hook for one frame: the message to write, or null to skip it. */
function messageSender(hooks: AppHooks) {
  const hook = hooks.onRealtimeMessageSend
  return (client: Client, message: Message): Message | null => {
    if (hook.length === 0) return message
    const event = new RealtimeMessageEvent(client, message)
    let sent = false
    hook.trigger(event, () => void (sent = true))
    if (!sent) return null
    const out = event.message
    if (out !== message && (hasLineBreak(out.name) || hasLineBreak(out.data))) throw new TypeError("realtime message must not contain line breaks")
    return out
  }
}

/** Builds this process's realtime and connects it to the hooks and the broker. */
export function startRealtime(deps: RealtimeDeps): Realtime {
  const { hooks, cluster, nodeId, loadAuth } = deps
  const hub = new Hub({ bufferBytes: deps.bufferBytes, beforeSend: messageSender(hooks) })
  const queue = new DeliveryQueue((error) => hub.reportError(error), deps.sliceSize)
  const fanout = new RecordFanout(hub, createRecordAccess(deps), queue)
  const broker: RealtimeBroker = cluster ?? new LocalBroker()
  cluster?.resolveCollectionsWith?.(deps.collections)
  const log = new ChangeLog(deps.store, deps.collections, deps.resumeWindow)
  // Events committed before this process started are never handed over here.
  const handedOver = { seq: log.latest() }
  connectBroker(broker, { hub, fanout, queue, handedOver })
  // Clients that lost events reconnect, and their resume says `complete: false`.
  cluster?.readMissedFrom?.(log, handedOver.seq, () => hub.closeAll())
  publishCommittedChanges({ hooks, log, collections: deps.collections, broker, fanout, nodeId })
  const maxBacklog = deps.maxBacklogFrames ?? 200_000

  const subscribeHere = async (request: SubscribeRequest) => {
    const done = applySubscriptions(hub, hooks.onRealtimeSubscribeRequest, request)
    if (isThenable(done)) await done
    const client = hub.clientById(String((request.body as { clientId?: unknown }).clientId))
    if (client) resumeIfAsked(client, { log, fanout, handedOver: handedOver.seq })
  }
  // Beside the hub's counters, how often cross-process ordering delivered late or dropped events.
  const tally = tallyEvents(broker)
  const localStats = (): NodeStats => ({
    ...hub.stats(),
    node: nodeId,
    eventsByCollection: tally.read(),
    ...(cluster ? { ...cluster.orderStats, brokerHealthy: cluster.healthy } : {}),
  })
  const bufferBytes = deps.bufferBytes ?? DEFAULT_BUFFER_BYTES
  const localClients = () => [...hub.clients().values()].map((c) => clientInfo(c, nodeId, bufferBytes))

  cluster?.handleRequests(async (kind, payload): Promise<unknown> => {
    if (kind === "clients") return localClients()
    if (kind === "stats") return localStats()
    if (kind !== "subscribe") return undefined
    const forwarded = payload as ForwardedSubscribe
    if (!hub.clientById(forwarded.clientId)) return { notHere: true }
    const auth = forwarded.auth ? loadAuth(forwarded.auth.collectionId, forwarded.auth.recordId) : null
    try {
      await subscribeHere({ body: forwarded.body, ip: forwarded.ip, auth })
      return { status: 204 } satisfies ForwardedOutcome
    } catch (error) {
      if (error instanceof ApiError) return { status: error.status, body: error.toJSON() } satisfies ForwardedOutcome
      throw error
    }
  })

  return {
    hub,
    broker,
    nodeId,
    publish(topic, data) {
      if (typeof topic !== "string" || topic === "") throw new TypeError("realtime.publish needs a topic")
      if (hasLineBreak(topic)) throw new TypeError("realtime topic must not contain line breaks")
      const event: CustomMessageEvent = { type: "custom", topic, data }
      const seq = log.append(event)
      void broker.publish(event)
      log.committed(seq)
    },
    async subscribe(request) {
      try {
        await subscribeHere(request)
        return
      } catch (error) {
        const elsewhere = error instanceof ApiError && error.status === 404 && cluster
        if (!elsewhere) throw error
      }
      const clientId = String((request.body as { clientId?: unknown }).clientId)
      const auth = request.auth ? { collectionId: request.auth.collection.id, recordId: String(request.auth.record.id) } : null
      const isOwner = (answer: unknown) => typeof (answer as ForwardedOutcome).status === "number"
      const forwarded: ForwardedSubscribe = { clientId, body: request.body, ip: request.ip, auth }
      const answers = await cluster!.ask("subscribe", forwarded, { timeoutMs: FORWARD_TIMEOUT_MS, until: isOwner })
      const owner = answers.find(isOwner) as ForwardedOutcome | undefined
      if (!owner) throw notFound("Missing or invalid client id.")
      if ("body" in owner) throw new ApiError(owner.status, owner.body.message, owner.body.data)
    },
    async clients() {
      const remote = cluster ? ((await cluster.ask("clients", null, { timeoutMs: GATHER_TIMEOUT_MS })) as ClientInfo[][]) : []
      return [localClients(), ...remote].flat()
    },
    async stats() {
      const remote = cluster ? ((await cluster.ask("stats", null, { timeoutMs: GATHER_TIMEOUT_MS })) as NodeStats[]) : []
      const nodes = [localStats(), ...remote]
      const total: HubStats = { clients: 0, subscriptions: 0, eventsIn: 0, framesOut: 0, droppedSlowClients: 0 }
      for (const node of nodes) for (const key of Object.keys(total) as Array<keyof HubStats>) total[key] += node[key]
      return { total, nodes, broker: cluster?.kind ?? "local" }
    },
    idle: () => queue.idle(),
    admitWrite: () => queue.whenBacklogAtMost(maxBacklog),
  }
}
