/**
 * @module
 * JSON log lines: one object per line with `time`, `level` and `msg`, plus fields.
 */

export type LogLevel = "info" | "warn" | "error"
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void

/** A logger writing JSON lines to stdout (or to `write`). */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  return (level, msg, fields = {}) => write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }))
}
