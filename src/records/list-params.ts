/**
 * @module
 * Parsing of the list query parameters shared by every list endpoint (page, perPage, skipTotal),
 * with PocketBase's defaults and clamping.
 */
import { badRequest } from "../core/errors.ts"

export const DEFAULT_PER_PAGE = 30
export const MAX_PER_PAGE = 1000

export interface ListParams {
  page: number
  perPage: number
  skipTotal: boolean
  filter: string
  sort: string
}

const TRUE_WORDS = new Set(["1", "t", "T", "true", "TRUE", "True"])
const FALSE_WORDS = new Set(["0", "f", "F", "false", "FALSE", "False"])

/** Go's `strconv.ParseBool`, which PocketBase uses for `skipTotal`. */
export function parseBool(value: string): boolean {
  if (TRUE_WORDS.has(value)) return true
  if (FALSE_WORDS.has(value)) return false
  throw badRequest()
}

function parseInteger(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback
  if (!/^[+-]?\d+$/.test(value)) throw badRequest()
  const n = Number(value)
  if (!Number.isSafeInteger(n)) throw badRequest()
  return n <= 0 ? fallback : n
}

/** Reads list parameters from a query-string lookup (first value of each key). */
export function parseListParams(query: (key: string) => string | undefined): ListParams {
  const perPage = Math.min(parseInteger(query("perPage"), DEFAULT_PER_PAGE), MAX_PER_PAGE)
  const skip = query("skipTotal")
  return {
    page: parseInteger(query("page"), 1),
    perPage,
    skipTotal: skip === undefined || skip === "" ? false : parseBool(skip),
    filter: query("filter") ?? "",
    sort: query("sort") ?? "",
  }
}

/** The list envelope, `items` first as PocketBase writes it; `totalItems`/`totalPages` are -1 when the count was skipped. */
export function listEnvelope<T>(params: ListParams, items: T[], totalItems: number | null) {
  return {
    items,
    page: params.page,
    perPage: params.perPage,
    totalItems: totalItems ?? -1,
    totalPages: totalItems === null ? -1 : Math.ceil(totalItems / params.perPage),
  }
}
