/**
 * @module
 * The rate limits feature's public face: the limiter the HTTP layer asks per request, and its
 * counters (per process, or shared through Redis).
 */
export { RateLimits, type RateLimitRequest } from "./service.ts"
export { MemoryRateCounters, RedisRateCounters, type RateCounters } from "./counters.ts"
export { findRateLimitRule } from "./rules.ts"
export { rateLimitTarget } from "./labels.ts"
