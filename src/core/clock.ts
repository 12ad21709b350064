/**
 * @module
 * PocketBase's datetime text format: `2006-01-02 15:04:05.000Z`, always UTC, milliseconds kept.
 */

/** Formats a date the way PocketBase stores and returns datetimes. */
export function formatDateTime(date: Date): string {
  return date.toISOString().replace("T", " ")
}

/** The current time in PocketBase's datetime format. */
export const nowDateTime = (): string => formatDateTime(new Date())
