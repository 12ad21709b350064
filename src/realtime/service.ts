/**
 * @module
 * The realtime facade an app exposes: the hub, typed custom publishing, the outgoing-message
 * hook, and the cluster-aware operations (a subscription POST whose stream lives on another
 * process, presence and counters across every process).
 */
import { notFound } from "../core/errors.ts"
import type { AuthContext } from "../core/types.ts"
import type { RealtimeBroker } from "./broker.ts"
import { STORE_IP, type Client } from "./client.ts"
import { tallyEvents, type EventTally } from "./event-tally.ts"
import type { Hub, HubStats, MessageSendHook, SubscribeRequest } from "./hub.ts"
import { baseOf, type SubscriptionOptions } from "./topics.ts"
import type { RedisBroker } from "./redis-broker.ts"

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

/** The outcome of a subscription POST: 204, or an error body. */
export type SubscribeResult = { status: 204 } | { status: number; body: { status: number; message: string; data: unknown } }

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
  /** Filters, rewrites or skips outgoing messages (return null to skip); returns the remover. */
  onMessageSend(hook: MessageSendHook): () => void
  /** Applies a subscription POST here, or on the process that holds the client's stream. */
  subscribe(request: SubscribeRequest): Promise<SubscribeResult>
  /** Every connected client on every process. */
  clients(): Promise<ClientInfo[]>
  /** Counters per process and in total. */
  stats(): Promise<{ total: HubStats; nodes: Array<NodeStats>; broker: "local" | "redis" }>
}

interface ForwardedSubscribe {
  body: unknown
  ip: string
  auth: { collectionId: string; recordId: string } | null
}

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
    topics: [...client.subscriptions()].map(([raw, options]) => ({ topic: baseOf(raw), options: redactHeaders(options) })),
    queuedBytes: client.queuedBytes,
    bufferBytes,
  }
}

function applyLocally(hub: Hub, request: SubscribeRequest): SubscribeResult {
  const outcome = hub.applySubscriptions(request)
  return outcome.ok ? { status: 204 } : { status: outcome.error.status, body: outcome.error.toJSON() }
}

/** Builds the facade; `cluster` is the Redis broker when running several processes. */
export function createRealtime(
  hub: Hub,
  broker: RealtimeBroker,
  options: { nodeId: string; cluster?: RedisBroker; loadAuth: AuthLoader; bufferBytes: number },
): Realtime {
  const { nodeId, cluster, loadAuth, bufferBytes } = options
  const tally = tallyEvents(broker)
  // Beside the hub's counters, how often cross-process ordering delivered late or dropped events.
  const localStats = (): NodeStats => ({
    ...hub.stats(),
    node: nodeId,
    eventsByCollection: tally.read(),
    ...(cluster ? { ...cluster.orderStats, brokerHealthy: cluster.healthy } : {}),
  })
  const localClients = () => [...hub.clients().values()].map((c) => clientInfo(c, nodeId, bufferBytes))

  cluster?.handleRequests((kind, payload) => {
    if (kind === "clients") return localClients()
    if (kind === "stats") return localStats()
    if (kind !== "subscribe") return undefined
    const forwarded = payload as ForwardedSubscribe & { clientId: string }
    if (!hub.clientById(forwarded.clientId)) return { notHere: true }
    const auth = forwarded.auth ? loadAuth(forwarded.auth.collectionId, forwarded.auth.recordId) : null
    return applyLocally(hub, { body: forwarded.body, ip: forwarded.ip, auth })
  })

  return {
    hub,
    broker,
    nodeId,
    publish(topic, data) {
      if (typeof topic !== "string" || topic === "") throw new TypeError("realtime.publish needs a topic")
      void broker.publish({ type: "custom", topic, data })
    },
    onMessageSend: (hook) => hub.onMessageSend(hook),
    async subscribe(request) {
      const local = applyLocally(hub, request)
      const missing = local.status === 404
      if (!missing || !cluster) return local
      const clientId = String((request.body as { clientId?: unknown }).clientId)
      const auth = request.auth ? { collectionId: request.auth.collection.id, recordId: String(request.auth.record.id) } : null
      const isOwner = (answer: unknown) => typeof (answer as SubscribeResult).status === "number"
      const answers = await cluster.ask("subscribe", { clientId, body: request.body, ip: request.ip, auth }, { timeoutMs: FORWARD_TIMEOUT_MS, until: isOwner })
      const owner = answers.find(isOwner)
      if (owner) return owner as SubscribeResult
      const error = notFound("Missing or invalid client id.")
      return { status: 404, body: error.toJSON() }
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
      return { total, nodes, broker: cluster ? "redis" : "local" }
    },
  }
}
