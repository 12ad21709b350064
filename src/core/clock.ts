/**
 * @module
 * PocketBase's datetime text format: `2006-01-02 15:04:05.000Z`, always UTC, milliseconds kept.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/** Formats `date` as `YYYY-MM-DD HH:MM:SS.sssZ` in UTC (PocketBase's `types.DateTime` layout). */
export function formatDateTime(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.` +
    `${pad(date.getUTCMilliseconds(), 3)}Z`
  )
}

/** The current time in PocketBase's datetime format. */
export const nowDateTime = (): string => formatDateTime(new Date())
