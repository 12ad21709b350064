/**
 * @module
 * What realtime needs from a broker that spans processes: the Redis broker (across machines)
 * and the unix-socket broker (the workers of one machine) both provide it.
 */
import type { Collection } from "../core/types.ts"
import type { RealtimeBroker } from "./broker.ts"
import type { ChangeLog } from "./change-log.ts"

/** This process's collections by id, and a way to read them again after another process changed them. */
export interface CollectionLookup {
  find(id: string): Collection | undefined
  reload(): void
}

/** Answers a cluster request addressed to every node; `undefined` sends no reply. */
export type ClusterRequestHandler = (kind: string, payload: unknown) => unknown | Promise<unknown>

/** A broker shared by several processes, with request/reply between them. */
export interface ClusterBroker extends RealtimeBroker {
  /** This process's id in the cluster. */
  readonly nodeId: string
  /** What joins the processes: Redis, or the unix-socket hub of one machine's workers. */
  readonly kind: "redis" | "socket"
  /** Whether this process's link to the other processes is up. */
  readonly healthy: boolean
  /** Record events delivered after later ones (late), and dropped because superseded. */
  readonly orderStats: { late: number; superseded: number }
  /**
   * Also reads committed events from the shared change log, so events the transport dropped (a
   * Redis outage) still arrive, once each; `onLost` runs when some were pruned before being read.
   * Only the Redis broker needs it: the socket hub of one machine's workers does not drop events.
   */
  readMissedFrom?(log: ChangeLog, seq: number, onLost: () => void): void
  /**
   * Where a broker that sends collections by id finds them; events that arrive before this is
   * set are dropped (a process takes no clients before then).
   */
  resolveCollectionsWith?(collections: CollectionLookup): void
  /** Installs the answerer for cluster requests (one per process). */
  handleRequests(handler: ClusterRequestHandler): void
  /** Asks every other live node; collects answers until all answered, `until` accepts one, or the timeout. */
  ask(kind: string, payload: unknown, options: { timeoutMs: number; until?: (answer: unknown) => boolean }): Promise<unknown[]>
  /** Ids of the live nodes, this one included. */
  liveNodes(): Promise<string[]>
  close(): Promise<void>
}
