/**
 * @module
 * Public API of realtime. Other folders import from here only.
 */
export { Hub, type HubOptions, type HubStats } from "./hub.ts"
export { Client, DEFAULT_BUFFER_BYTES, STORE_AUTH, STORE_IP, newClientId, type ClientOptions, type ClientSink } from "./client.ts"
export { openStream, SSE_HEADERS, type StreamOptions } from "./stream.ts"
export { PB_CONNECT, HEARTBEAT_FRAME, connectMessage, type Message } from "./sse.ts"
export { parseSubscription, recordEventCandidates, type RuleKind, type Subscription, type SubscriptionOptions } from "./topics.ts"
export { type RealtimeEvent, type RecordChangeEvent, type RecordAction } from "./events.ts"
export { LocalBroker, type RealtimeBroker, type RealtimeEventHandler } from "./broker.ts"
export { startRealtime, type Realtime, type RealtimeDeps } from "./service.ts"
export { type SubscribeRequest } from "./subscribe-request.ts"
