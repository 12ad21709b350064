/**
 * @module
 * Runs a PocketBase JavaScript file in Bun itself: the file's text becomes the body of a function
 * whose parameters are the globals PocketBase provides, so `$app` or `routerAdd` are plain
 * arguments and nothing leaks into Bun's global scope. Also finds where in such a file an error
 * was thrown, for log lines.
 */
import { ApiError, badRequest, notFound } from "../core/errors.ts"
import { NoRowsError } from "./js-db.ts"

// A function body starts two lines below the text `new Function` is given.
const FUNCTION_PROLOGUE_LINES = 2

/** Evaluates `source` (named `file` in stack traces) with `globals` in scope. */
export function runScript(source: string, file: string, globals: Record<string, unknown>): void {
  const names = Object.keys(globals)
  const body = `${source}\n//# sourceURL=${file}`
  new Function(...names, body)(...names.map((name) => globals[name]))
}

/** `file:line:column` of the innermost stack frame inside one of the script files, or "". */
export function scriptLocation(error: unknown, isScript: (file: string) => boolean): string {
  const stack = error instanceof Error ? (error.stack ?? "") : ""
  for (const match of stack.matchAll(/\(?([^\s()]+):(\d+):(\d+)\)?$/gm)) {
    if (isScript(match[1]!)) return `${match[1]}:${Number(match[2]) - FUNCTION_PROLOGUE_LINES}:${match[3]}`
  }
  return ""
}

/** PocketBase's answer to an error thrown by JavaScript: API errors as they are, lookups that found nothing 404, the rest 400. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof NoRowsError) return notFound()
  return badRequest()
}
