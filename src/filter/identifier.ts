/**
 * @module
 * Splits identifiers like `author.team.name:lower` or `@collection.users:u.email` into parts and
 * checks their shape. Only ASCII word characters are accepted in names.
 */
import { FilterResolveError } from "./errors.ts"

/** Modifiers the resolver knows; anything else is an error. */
export const MODIFIERS = new Set(["isset", "length", "each", "lower", "changed"])

/** A dotted path with an optional trailing `:modifier`. */
export interface FieldPath {
  segments: string[]
  modifier: string | undefined
}

const WORD = /^\w+$/

/** Parses `a.b.c[:modifier]`; throws {@link FilterResolveError} on malformed names or unknown modifiers. */
export function splitPath(raw: string, original = raw): FieldPath {
  const colon = raw.indexOf(":")
  const path = colon === -1 ? raw : raw.slice(0, colon)
  const modifier = colon === -1 ? undefined : raw.slice(colon + 1)
  const segments = path.split(".")
  if (path === "" || !segments.every((segment) => WORD.test(segment))) {
    throw new FilterResolveError(`invalid identifier '${original}'`)
  }
  if (modifier !== undefined && !MODIFIERS.has(modifier)) {
    throw new FilterResolveError(`unknown modifier ':${modifier}' in '${original}'`)
  }
  return { segments, modifier }
}
