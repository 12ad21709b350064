/**
 * @module
 * The logs feature's public face: the service (auxiliary database, batching logger, queries) and
 * the logger server code writes to.
 */
export { LogsService, type LogsServiceOptions } from "./service.ts"
export { Logger, LOG_LEVELS } from "./logger.ts"
export type { LogEntry, LogsStatsItem } from "./log-store.ts"
export type { RequestSummary } from "./request-log.ts"
