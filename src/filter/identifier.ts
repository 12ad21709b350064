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

/** Identifier shapes a record filter may name (any other spelling is an error, as in PocketBase). */
const RESOLVABLE = [
  /^\w+[\w.:]*$/,
  /^@request\.context$/,
  /^@request\.method$/,
  /^@request\.(?:auth|body|query|headers)\.[\w.:]*\w$/,
  /^@collection\.\w+(?::\w+)?\.[\w.:]*\w$/,
]

/** Throws {@link FilterResolveError} unless `name` has one of the shapes a filter may name. */
export function assertResolvable(name: string): void {
  if (!RESOLVABLE.some((shape) => shape.test(name))) throw new FilterResolveError(`invalid identifier '${name}'`)
}

/**
 * Parses `a.b.c[:modifier]`; throws {@link FilterResolveError} on malformed names. The modifier is
 * checked where a field reads it ({@link assertModifier}): after a JSON field it is key text.
 */
export function splitPath(raw: string, original = raw): FieldPath {
  const colon = raw.indexOf(":")
  const path = colon === -1 ? raw : raw.slice(0, colon)
  const modifier = colon === -1 ? undefined : raw.slice(colon + 1)
  const segments = path.split(".")
  // an empty segment (`j..b`) can only name a JSON key; anywhere else it is an unknown field
  if (path === "" || !segments.every((segment) => segment === "" || WORD.test(segment))) {
    throw new FilterResolveError(`invalid identifier '${original}'`)
  }
  return { segments, modifier }
}

/** Throws unless `modifier` is one a field can take. */
export function assertModifier(modifier: string | undefined, original: string): void {
  if (modifier !== undefined && !MODIFIERS.has(modifier)) {
    throw new FilterResolveError(`unknown modifier ':${modifier}' in '${original}'`)
  }
}

/**
 * Keys of a JSON sub-path as PocketBase reads them: a modifier is not one, it stays part of the
 * last key with its colon dropped (`j.a:lower` reads key `alower`).
 */
export const jsonKeys = (keys: readonly string[], modifier: string | undefined): string[] =>
  modifier === undefined ? [...keys] : [...keys.slice(0, -1), `${keys.at(-1)}${modifier.replaceAll(":", "")}`]
