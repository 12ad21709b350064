/**
 * @module
 * The cron feature's public face: the scheduler (add/remove jobs by id with PocketBase's
 * expressions; the JavaScript `cronAdd` builds on it), its multi-process tick claims, PocketBase's
 * system jobs, and the expression parser settings validation uses.
 */
export { CronScheduler, type CronJob, type CronSchedulerOptions, type TickClaims } from "./scheduler.ts"
export { sqliteTickClaims } from "./tick-claims.ts"
export { registerSystemJobs, type SystemJobDeps } from "./system-jobs.ts"
export { parseSchedule, isDue, CronExpressionError, type Schedule } from "./schedule.ts"
