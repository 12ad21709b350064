/**
 * @module
 * The app's hook bus: one named hook per event, modelled on PocketBase's app events. Features
 * (records, realtime, and next user code, JavaScript hooks and batch requests) meet here
 * instead of calling each other's internals.
 *
 * @example
 * app.hooks.onRecordCreateRequest.bindFunc(async (e) => {
 *   e.record.title = String(e.record.title).trim()
 *   await e.next()
 * }, "posts")
 */
import { Hook, SyncHook } from "./hook.ts"
import {
  BootstrapEvent,
  CollectionErrorEvent,
  CollectionEvent,
  CollectionChangeRequestEvent,
  RealtimeConnectRequestEvent,
  RealtimeMessageEvent,
  RealtimeSubscribeRequestEvent,
  RecordAuthRequestEvent,
  RecordErrorEvent,
  RecordEvent,
  RecordRequestEvent,
  RecordsListRequestEvent,
  ServeEvent,
  TerminateEvent,
} from "./events.ts"

export { AsyncHandlerError, Hook, HookEvent, SyncHook, isThenable, type Handler, type HandlerFunc, type Tagged } from "./hook.ts"
export * from "./events.ts"

/** Every hook of one app. Tagged hooks take collection ids or names after the handler. */
export class AppHooks {
  // App lifecycle.
  readonly onBootstrap = new Hook<BootstrapEvent>("onBootstrap")
  readonly onServe = new Hook<ServeEvent>("onServe")
  readonly onTerminate = new Hook<TerminateEvent>("onTerminate")

  // Record models: validate and write (inside the transaction), then the outcome (after it).
  readonly onRecordValidate = new SyncHook<RecordEvent>("onRecordValidate")
  readonly onRecordCreate = new SyncHook<RecordEvent>("onRecordCreate")
  readonly onRecordCreateExecute = new SyncHook<RecordEvent>("onRecordCreateExecute")
  readonly onRecordAfterCreateSuccess = new SyncHook<RecordEvent>("onRecordAfterCreateSuccess")
  readonly onRecordAfterCreateError = new SyncHook<RecordErrorEvent>("onRecordAfterCreateError")
  readonly onRecordUpdate = new SyncHook<RecordEvent>("onRecordUpdate")
  readonly onRecordUpdateExecute = new SyncHook<RecordEvent>("onRecordUpdateExecute")
  readonly onRecordAfterUpdateSuccess = new SyncHook<RecordEvent>("onRecordAfterUpdateSuccess")
  readonly onRecordAfterUpdateError = new SyncHook<RecordErrorEvent>("onRecordAfterUpdateError")
  readonly onRecordDelete = new SyncHook<RecordEvent>("onRecordDelete")
  readonly onRecordDeleteExecute = new SyncHook<RecordEvent>("onRecordDeleteExecute")
  readonly onRecordAfterDeleteSuccess = new SyncHook<RecordEvent>("onRecordAfterDeleteSuccess")
  readonly onRecordAfterDeleteError = new SyncHook<RecordErrorEvent>("onRecordAfterDeleteError")

  // Collection models.
  readonly onCollectionCreate = new SyncHook<CollectionEvent>("onCollectionCreate")
  readonly onCollectionCreateExecute = new SyncHook<CollectionEvent>("onCollectionCreateExecute")
  readonly onCollectionAfterCreateSuccess = new SyncHook<CollectionEvent>("onCollectionAfterCreateSuccess")
  readonly onCollectionAfterCreateError = new SyncHook<CollectionErrorEvent>("onCollectionAfterCreateError")
  readonly onCollectionUpdate = new SyncHook<CollectionEvent>("onCollectionUpdate")
  readonly onCollectionUpdateExecute = new SyncHook<CollectionEvent>("onCollectionUpdateExecute")
  readonly onCollectionAfterUpdateSuccess = new SyncHook<CollectionEvent>("onCollectionAfterUpdateSuccess")
  readonly onCollectionAfterUpdateError = new SyncHook<CollectionErrorEvent>("onCollectionAfterUpdateError")
  readonly onCollectionDelete = new SyncHook<CollectionEvent>("onCollectionDelete")
  readonly onCollectionDeleteExecute = new SyncHook<CollectionEvent>("onCollectionDeleteExecute")
  readonly onCollectionAfterDeleteSuccess = new SyncHook<CollectionEvent>("onCollectionAfterDeleteSuccess")
  readonly onCollectionAfterDeleteError = new SyncHook<CollectionErrorEvent>("onCollectionAfterDeleteError")

  // Records API requests (rules already checked; may be async).
  readonly onRecordsListRequest = new Hook<RecordsListRequestEvent>("onRecordsListRequest")
  readonly onRecordViewRequest = new Hook<RecordRequestEvent>("onRecordViewRequest")
  readonly onRecordCreateRequest = new Hook<RecordRequestEvent>("onRecordCreateRequest")
  readonly onRecordUpdateRequest = new Hook<RecordRequestEvent>("onRecordUpdateRequest")
  readonly onRecordDeleteRequest = new Hook<RecordRequestEvent>("onRecordDeleteRequest")
  readonly onRecordAuthRequest = new Hook<RecordAuthRequestEvent>("onRecordAuthRequest")

  // Realtime.
  readonly onRealtimeConnectRequest = new Hook<RealtimeConnectRequestEvent>("onRealtimeConnectRequest")
  readonly onRealtimeSubscribeRequest = new Hook<RealtimeSubscribeRequestEvent>("onRealtimeSubscribeRequest")
  readonly onRealtimeMessageSend = new SyncHook<RealtimeMessageEvent>("onRealtimeMessageSend")

  // Collections API requests (superusers; may be async).
  readonly onCollectionCreateRequest = new Hook<CollectionChangeRequestEvent>("onCollectionCreateRequest")
  readonly onCollectionUpdateRequest = new Hook<CollectionChangeRequestEvent>("onCollectionUpdateRequest")
  readonly onCollectionDeleteRequest = new Hook<CollectionChangeRequestEvent>("onCollectionDeleteRequest")
}
