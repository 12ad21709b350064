/**
 * @module
 * Datetime macros (`@now`, `@todayStart`, ...) and date parts (`@hour`, `@weekday`, ...), all UTC.
 */

/** Formats a date the way records store it: `YYYY-MM-DD HH:MM:SS.sssZ`. */
export const formatDate = (date: Date): string => date.toISOString().replace("T", " ")

const DAY_MS = 86_400_000

const DATE_MACROS: Record<string, (now: Date) => Date> = {
  "@now": (now) => now,
  "@yesterday": (now) => new Date(now.getTime() - DAY_MS),
  "@tomorrow": (now) => new Date(now.getTime() + DAY_MS),
  "@todayStart": (now) => utc(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
  "@todayEnd": (now) => new Date(utc(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1).getTime() - 1),
  "@monthStart": (now) => utc(now.getUTCFullYear(), now.getUTCMonth(), 1),
  "@monthEnd": (now) => new Date(utc(now.getUTCFullYear(), now.getUTCMonth() + 1, 1).getTime() - 1),
  "@yearStart": (now) => utc(now.getUTCFullYear(), 0, 1),
  "@yearEnd": (now) => new Date(utc(now.getUTCFullYear() + 1, 0, 1).getTime() - 1),
}

const DATE_PARTS: Record<string, (now: Date) => number> = {
  "@second": (now) => now.getUTCSeconds(),
  "@minute": (now) => now.getUTCMinutes(),
  "@hour": (now) => now.getUTCHours(),
  "@day": (now) => now.getUTCDate(),
  "@month": (now) => now.getUTCMonth() + 1,
  "@weekday": (now) => now.getUTCDay(),
  "@year": (now) => now.getUTCFullYear(),
}

function utc(year: number, month: number, day: number): Date {
  const date = new Date(0)
  date.setUTCFullYear(year, month, day)
  return date
}

/** True when `name` is a datetime macro or a date part. */
// Own keys only: names come from user filters, and `toString` or `__proto__` are not macros.
export const isMacro = (name: string): boolean => Object.hasOwn(DATE_MACROS, name) || Object.hasOwn(DATE_PARTS, name)

/** The macro's value at `now`: a datetime string, a date-part integer, or undefined for other names. */
export function macroValue(name: string, now: Date): string | number | undefined {
  if (Object.hasOwn(DATE_MACROS, name)) return formatDate(DATE_MACROS[name]!(now))
  return Object.hasOwn(DATE_PARTS, name) ? DATE_PARTS[name]!(now) : undefined
}
