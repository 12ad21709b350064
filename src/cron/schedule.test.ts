import { describe, expect, it } from "bun:test"
import { CronExpressionError, isDue, parseSchedule } from "./schedule.ts"

describe("cron schedule", () => {
  it("expands lists, ranges and steps", () => {
    const schedule = parseSchedule("1,2-4,*/20 0 1-31/10 * 1-5")
    expect([...schedule.minutes].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 20, 40])
    expect([...schedule.days]).toEqual([1, 11, 21, 31])
    expect([...schedule.daysOfWeek]).toEqual([1, 2, 3, 4, 5])
  })

  it("reads the macros", () => {
    const hourly = parseSchedule("@hourly")
    expect(hourly.expression).toBe("0 * * * *")
    expect(isDue(hourly, new Date(Date.UTC(2026, 0, 5, 13, 0)))).toBe(true)
    expect(isDue(hourly, new Date(Date.UTC(2026, 0, 5, 13, 1)))).toBe(false)
    expect(isDue(parseSchedule("@weekly"), new Date(Date.UTC(2026, 0, 4, 0, 0)))).toBe(true) // a Sunday
  })

  it("rejects malformed expressions with PocketBase's wording", () => {
    const message = (expression: string) => {
      try {
        parseSchedule(expression)
        return "parsed"
      } catch (error) {
        expect(error).toBeInstanceOf(CronExpressionError)
        return (error as Error).message
      }
    }
    expect(message("* * * *")).toBe("invalid cron expression - must be a valid macro or to have exactly 5 space separated segments")
    expect(message("60 * * * *")).toBe("invalid segment value - must be between the min and max of the segment")
    expect(message("5/2 * * * *")).toBe("invalid segment step - step > 1 could be used only with the wildcard or range format")
    expect(message("*/0 * * * *")).toBe("invalid segment step boundary - the step must be between 1 and the 59")
    expect(message("1-2-3 * * * *")).toBe("invalid segment range format - the range must have 1 or 2 parts")
    expect(message("a * * * *")).toBe('strconv.Atoi: parsing "a": invalid syntax')
  })
})
