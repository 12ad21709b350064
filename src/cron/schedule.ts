/**
 * @module
 * Cron expressions as PocketBase reads them: five space-separated segments (minute, hour, day of
 * month, month, day of week) with `*`, lists, ranges and steps, plus the `@daily`-style macros.
 * Parse errors carry PocketBase's wording, since settings validation shows them to the user.
 */

const MACROS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
}

/** A parsed cron expression: the allowed values of each segment. */
export interface Schedule {
  /** The five-segment expression (macros expanded, as PocketBase lists it). */
  expression: string
  minutes: ReadonlySet<number>
  hours: ReadonlySet<number>
  days: ReadonlySet<number>
  months: ReadonlySet<number>
  daysOfWeek: ReadonlySet<number>
}

/** A malformed cron expression; `message` is PocketBase's. */
export class CronExpressionError extends Error {}

/** Parses `expression` (or a macro); throws `CronExpressionError`. */
export function parseSchedule(expression: string): Schedule {
  const expanded = MACROS[expression] ?? expression
  const segments = expanded.split(" ")
  if (segments.length !== 5) {
    throw new CronExpressionError("invalid cron expression - must be a valid macro or to have exactly 5 space separated segments")
  }
  const [minutes, hours, days, months, daysOfWeek] = segments as [string, string, string, string, string]
  return {
    expression: expanded,
    minutes: parseSegment(minutes, 0, 59),
    hours: parseSegment(hours, 0, 23),
    days: parseSegment(days, 1, 31),
    months: parseSegment(months, 1, 12),
    daysOfWeek: parseSegment(daysOfWeek, 0, 6),
  }
}

/** Whether `schedule` fires in the minute of `date`, in UTC (PocketBase's default timezone). */
export function isDue(schedule: Schedule, date: Date): boolean {
  return (
    schedule.minutes.has(date.getUTCMinutes()) &&
    schedule.hours.has(date.getUTCHours()) &&
    schedule.days.has(date.getUTCDate()) &&
    schedule.months.has(date.getUTCMonth() + 1) &&
    schedule.daysOfWeek.has(date.getUTCDay())
  )
}

// Go's strconv.Atoi: an optional sign and decimal digits, nothing else.
function atoi(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new CronExpressionError(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`)
  return Number(text)
}

function parseSegment(segment: string, min: number, max: number): Set<number> {
  const slots = new Set<number>()
  for (const part of segment.split(",")) {
    const stepParts = part.split("/")
    if (stepParts.length > 2) throw new CronExpressionError("invalid segment step format - must be in the format */n or 1-30/n")
    const step = stepParts.length === 2 ? atoi(stepParts[1]!) : 1
    if (step < 1 || step > max) throw new CronExpressionError(`invalid segment step boundary - the step must be between 1 and the ${max}`)
    const [from, to] = segmentRange(stepParts[0]!, step, min, max)
    for (let value = from; value <= to; value += step) slots.add(value)
  }
  return slots
}

function segmentRange(text: string, step: number, min: number, max: number): [number, number] {
  if (text === "*") return [min, max]
  const parts = text.split("-")
  if (parts.length === 1) {
    if (step !== 1) throw new CronExpressionError("invalid segment step - step > 1 could be used only with the wildcard or range format")
    const value = atoi(parts[0]!)
    if (value < min || value > max) throw new CronExpressionError("invalid segment value - must be between the min and max of the segment")
    return [value, value]
  }
  if (parts.length !== 2) throw new CronExpressionError("invalid segment range format - the range must have 1 or 2 parts")
  const from = atoi(parts[0]!)
  if (from < min || from > max) throw new CronExpressionError(`invalid segment range minimum - must be between ${min} and ${max}`)
  const to = atoi(parts[1]!)
  if (to < from || to > max) throw new CronExpressionError(`invalid segment range maximum - must be between ${from} and ${max}`)
  return [from, to]
}
