/**
 * @module
 * Public API of the Socket.IO bridge: a separate process that turns a PocketBase-compatible
 * server's record events into Socket.IO room events (`bun src/cli.ts bridge --config=FILE`).
 */
export { BridgeConfigError, loadBridgeConfig, parseBridgeConfig, type BridgeConfig, type BridgeRoute } from "./config.ts"
export { normalizeEvent, startBridge, type BridgeEvent, type RunningBridge } from "./bridge.ts"
export { jsonLogger, type Logger } from "./log.ts"
