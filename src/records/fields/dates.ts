/**
 * @module
 * PocketBase datetimes: always UTC, always `2006-01-02 15:04:05.000Z` on the wire and in storage.
 */
import { formatDateTime } from "../../core/clock.ts"

/** Go's zero `time.Time` (0001-01-01 00:00:00 UTC), which PocketBase treats as "no date". */
const GO_ZERO_TIME = new Date(0).setUTCFullYear(1, 0, 1)

/** Formats `date` as `YYYY-MM-DD HH:MM:SS.sssZ` in UTC (PocketBase's `types.DateTime` layout). */
export const formatDate = formatDateTime

// Date, then optionally `T`/space + time with seconds, fraction (`.` or `,`), and a zone:
// `Z`, `±hh:mm`, `±hhmm`, optionally after a space and followed by a zone name (Go's `time.Time.String()`).
// Checked on the reference server: `2024-01-02T10:11` (no seconds), lowercase `t`/`z`, `2024-1-2` and
// surrounding spaces are all rejected; `1:11:12` (one-digit hour) and `+24:00` offsets are accepted.
const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?: ?(Z|[+-]\d{2}:?\d{2})(?: [A-Z]{3,5})?)?)?$/

/**
 * Parses the datetime inputs PocketBase accepts (its own layout, RFC 3339, `YYYY-MM-DD HH:MM:SS[.frac]`,
 * `YYYY-MM-DD`) into a UTC `Date`; anything else, invalid calendar dates and year 1 (Go's zero time) give `null`.
 */
export function parseDate(text: string): Date | null {
  const m = DATE_RE.exec(text)
  if (!m) return null
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = m
  const year = Number(y), month = Number(mo), day = Number(d)
  const hour = Number(h), minute = Number(mi), second = Number(s)
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null
  const ms = Number(frac.slice(0, 3).padEnd(3, "0"))
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, ms)
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return null
  if (zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1
    const digits = zone.slice(1).replace(":", "")
    const offH = Number(digits.slice(0, 2)), offM = Number(digits.slice(2))
    if (offH > 24 || offM > 59) return null
    date.setTime(date.getTime() - sign * (offH * 60 + offM) * 60_000)
  }
  return date.getTime() === GO_ZERO_TIME ? null : date
}

/**
 * Normalizes any date input to the stored text: a `Date` or parseable string becomes
 * `YYYY-MM-DD HH:MM:SS.sssZ`, everything else (numbers included, checked on the reference server) `""`.
 */
export function normalizeDate(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : formatDate(value)
  if (typeof value !== "string") return ""
  const date = parseDate(value)
  return date ? formatDate(date) : ""
}

/** Go's `time.Time.String()` for a UTC time (`2024-01-01 00:00:00 +0000 UTC`), used in date-limit messages. */
export function goTimeString(date: Date): string {
  const base = formatDate(date).slice(0, 19)
  const frac = goFraction(date)
  return `${base}${frac} +0000 UTC`
}

/** Go's RFC 3339 (`time.RFC3339Nano`) rendering of a UTC time, used as the `threshold` param. */
export function goRFC3339(date: Date): string {
  return `${formatDate(date).slice(0, 19).replace(" ", "T")}${goFraction(date)}Z`
}

const goFraction = (date: Date) => {
  const ms = date.getUTCMilliseconds()
  return ms === 0 ? "" : `.${String(ms).padStart(3, "0").replace(/0+$/, "")}`
}
