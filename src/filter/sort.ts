/**
 * @module
 * Parses `sort=-created,title,+id` into ORDER BY terms.
 */
import { FilterResolveError } from "./errors.ts"
import type { Scope } from "./query-context.ts"
import { classifyRequest } from "./request-ref.ts"
import { resolveIdentifier } from "./resolve-operand.ts"
import { columnRef } from "./sql-text.ts"

/** Most entries in one sort expression. */
export const MAX_SORT_FIELDS = 8
/** Longest accepted sort name. */
export const MAX_SORT_NAME = 255

const SORT_NAME = /^[@#\p{L}_][\p{L}\p{Nd}_.:]*$/u

/** ORDER BY terms for a sort expression; throws {@link FilterResolveError} on bad entries. */
export function compileSort(scope: Scope, text: string): string[] {
  if (text === "") return []
  const entries = text.split(",").map((entry) => entry.trim())
  if (entries.includes("")) throw new FilterResolveError("empty entry in the sort list")
  if (entries.length > MAX_SORT_FIELDS) {
    throw new FilterResolveError(`too many sort fields (${entries.length}, max ${MAX_SORT_FIELDS})`)
  }
  return entries.map((entry) => {
    const desc = entry.startsWith("-")
    const name = desc || entry.startsWith("+") ? entry.slice(1) : entry
    const direction = desc ? "DESC" : "ASC"
    if (name.length > MAX_SORT_NAME) throw new FilterResolveError(`sort field '${name.slice(0, 40)}…' is too long`)
    if (name === "@random") return "RANDOM()"
    if (name === "@rowid") return `${columnRef(scope.alias, "_rowid_")} ${direction}`
    if (!SORT_NAME.test(name)) throw new FilterResolveError(`invalid sort field '${name}'`)
    const operand = resolveIdentifier(scope, name)
    const sql = operand.sql.trim()
    // an integer (`:length` of a submitted list), TRUE/FALSE (`:isset`) or a `:changed` expansion
    // is no valid ORDER BY term; PocketBase's query fails on them
    const unsortable = /^\(?(?:\d+|true|false)\)?$/i.test(sql) || (name.startsWith("@request.") && classifyRequest(scope.collection, name).kind === "bodyChanged")
    if (operand.paramNames.length > 0 || sql === "" || sql.toUpperCase() === "NULL" || operand.literal || unsortable) {
      throw new FilterResolveError(`cannot sort by '${name}'`)
    }
    return `${sql} ${direction}`
  })
}
