/**
 * @module
 * The event types the app's hooks carry. Model-level events (records, collections) are
 * triggered inside the write's transaction and must be handled synchronously; their
 * after-success forms run once the transaction committed, their after-error forms when the
 * write failed or was rolled back. Request events wrap one HTTP request and may be async.
 */
import type { AuthContext, Collection, RecordData, RequestInfo } from "../core/types.ts"
import { HookEvent, type Tagged } from "./hook.ts"

/** Tags of anything that belongs to a collection: its id and its name. */
function collectionTags(collection: Collection): string[] {
  return [collection.id, collection.name]
}

/** What happens to a record or collection. */
export type ModelAction = "create" | "update" | "delete"

/** One record being validated, created, updated or deleted (model level, any source: API, cascade, migrations, code). */
export class RecordEvent extends HookEvent<void> implements Tagged {
  /** The record as it will be (create/update) or as it was (delete); handlers before `next()` may change it. */
  record: RecordData
  constructor(
    readonly action: ModelAction,
    public collection: Collection,
    record: RecordData,
    /** The stored row before an update (null for create; the deleted row for delete). */
    readonly original: RecordData | null,
  ) {
    super()
    this.record = record
  }
  tags(): string[] {
    return collectionTags(this.collection)
  }
}

/** A record write that failed, or whose transaction rolled back. */
export class RecordErrorEvent extends RecordEvent {
  constructor(event: RecordEvent, readonly error: unknown) {
    super(event.action, event.collection, event.record, event.original)
  }
}

/** One collection being created, updated or deleted. */
export class CollectionEvent extends HookEvent<void> implements Tagged {
  constructor(
    readonly action: ModelAction,
    public collection: Collection,
    /** The stored definition before an update (null for create; the deleted one for delete). */
    readonly original: Collection | null,
  ) {
    super()
  }
  tags(): string[] {
    return collectionTags(this.collection)
  }
}

/** A collection write that failed, or whose transaction rolled back. */
export class CollectionErrorEvent extends CollectionEvent {
  constructor(event: CollectionEvent, readonly error: unknown) {
    super(event.action, event.collection, event.original)
  }
}

/**
 * The base of request events. `response` is what the route answers with (JSON, status 200);
 * the guarded action sets it, and a handler that answers by itself sets it without calling
 * `next()`. Throw an `ApiError` to answer with that error instead.
 */
export class RequestEvent extends HookEvent<Promise<void> | void> {
  /** The response body; `undefined` answers 204 No Content. */
  response: unknown = undefined
  constructor(readonly request: RequestInfo) {
    super()
  }
}

/** A request about one collection's records, tagged with the collection. */
export class CollectionRequestEvent extends RequestEvent implements Tagged {
  constructor(
    request: RequestInfo,
    public collection: Collection,
  ) {
    super(request)
  }
  tags(): string[] {
    return collectionTags(this.collection)
  }
}

/** View, create, update or delete of one record through the records API. */
export class RecordRequestEvent extends CollectionRequestEvent {
  /** The stored record (view, delete) or the record about to be saved (create, update), rules already checked. */
  record: RecordData
  constructor(request: RequestInfo, collection: Collection, record: RecordData) {
    super(request, collection)
    this.record = record
  }
}

/** The list envelope without its items. */
export interface ListPage {
  page: number
  perPage: number
  totalItems: number
  totalPages: number
}

/** A records list request, after the page was read and before it is rendered. */
export class RecordsListRequestEvent extends CollectionRequestEvent {
  /** The page's records; handlers may filter or change them. */
  records: RecordData[]
  page: ListPage
  constructor(request: RequestInfo, collection: Collection, records: RecordData[], page: ListPage) {
    super(request, collection)
    this.records = records
    this.page = page
  }
}

/** Any request that answers with an auth token and its record (auth-with-password, auth-refresh, impersonate). */
export class RecordAuthRequestEvent extends RecordRequestEvent {
  token: string
  /** How the token was obtained: `password`, `refresh`, `impersonate`. */
  readonly authMethod: string
  constructor(request: RequestInfo, collection: Collection, record: RecordData, token: string, authMethod: string) {
    super(request, collection, record)
    this.token = token
    this.authMethod = authMethod
  }
}

/** The part of a realtime client that hooks see (the realtime module's `Client` satisfies it). */
export interface RealtimeClientView {
  readonly id: string
  /** The auth bound by the last accepted POST, or null (guest). */
  auth: AuthContext | null
  get(key: string): unknown
  set(key: string, value: unknown): void
  /** The subscription keys, in subscription order. */
  topics(): string[]
  subscribe(...topics: string[]): void
  /** Removes these keys, or every subscription when called without any. */
  unsubscribe(...topics: string[]): void
}

/** One realtime message about to be written to one client. */
export interface RealtimeMessageView {
  name: string
  data: string
}

/** `GET /api/realtime`: a client is about to be registered and its stream opened. */
export class RealtimeConnectRequestEvent extends HookEvent<Promise<void> | void> {
  constructor(
    readonly client: RealtimeClientView,
    /** The request's real IP. */
    readonly ip: string,
  ) {
    super()
  }
}

/** `POST /api/realtime`: the checks passed; handlers may change `subscriptions` before they replace the client's. */
export class RealtimeSubscribeRequestEvent extends HookEvent<Promise<void> | void> {
  constructor(
    readonly client: RealtimeClientView,
    public subscriptions: string[],
    /** The request's auth, bound to the client once the chain completes. */
    readonly auth: AuthContext | null,
  ) {
    super()
  }
}

/** A message about to be queued for one client (PB_CONNECT included); change it, or skip it by not calling `next()`. */
export class RealtimeMessageEvent extends HookEvent<void> {
  constructor(
    readonly client: RealtimeClientView,
    public message: RealtimeMessageView,
  ) {
    super()
  }
}

/** The app's services are built (before serving or running a command). */
export class BootstrapEvent extends HookEvent<Promise<void> | void> {
  constructor(readonly app: unknown) {
    super()
  }
}

/** The HTTP server is about to listen (`next()` starts it); after `next()`, `url` is set. */
export class ServeEvent extends HookEvent<Promise<void> | void> {
  /** `http://host:port` once listening. */
  url = ""
  constructor(
    readonly app: unknown,
    readonly hostname: string,
    readonly port: number,
  ) {
    super()
  }
}

/** The app is shutting down (signal or `close()`). */
export class TerminateEvent extends HookEvent<Promise<void> | void> {
  constructor(readonly app: unknown) {
    super()
  }
}

/**
 * A collection create, update or delete through the collections API (superusers), around the
 * registry write. The action sets `collection` to the saved definition (null after a delete).
 */
export class CollectionChangeRequestEvent extends RequestEvent implements Tagged {
  /** The saved definition once `next()` returned; null before, and after a delete. */
  collection: Collection | null = null
  constructor(
    request: RequestInfo,
    readonly action: ModelAction,
    /** The stored definition before the change (null for create). */
    readonly original: Collection | null,
    /** The request body (create, update). */
    public body: Record<string, unknown>,
  ) {
    super(request)
  }
  tags(): string[] {
    const subject = this.collection ?? this.original
    return subject ? collectionTags(subject) : []
  }
}
