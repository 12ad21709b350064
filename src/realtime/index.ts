/**
 * @module
 * Public API of the realtime hub. Other folders import from here only.
 */
export { Hub, type HubOptions, type HubStats, type MessageSendHook, type SubscribeOutcome, type SubscribeRequest, type SubscribeRequestHook } from "./hub.ts"
export { Client, DEFAULT_BUFFER_BYTES, STORE_AUTH, STORE_IP, newClientId, type ClientOptions, type ClientSink } from "./client.ts"
export { openStream, SSE_HEADERS, type StreamOptions } from "./stream.ts"
export { PB_CONNECT, HEARTBEAT_FRAME, connectMessage, encodeFrame, type Message } from "./sse.ts"
export { parseSubscription, matchRecordEvent, recordEventCandidates, type RuleKind, type Subscription, type SubscriptionOptions } from "./topics.ts"
export { type RecordAccess, type RecordAction, type RecordEvent } from "./record-fanout.ts"
export { LocalBroker, connectBroker, type RealtimeBroker, type RealtimeEvent, type RealtimeEventHandler } from "./broker.ts"
