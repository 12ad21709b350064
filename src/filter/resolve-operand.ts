/**
 * @module
 * Turns any parsed operand into SQL: literals, macros, field paths, `@request.*`,
 * `@collection.*` and the two functions (strftime, geoDistance).
 */
import type { Operand } from "./ast.ts"
import { FilterResolveError } from "./errors.ts"
import { assertResolvable, splitPath } from "./identifier.ts"
import { isMacro, macroValue } from "./macros.ts"
import { ensureJoin, numberOperand, type Scope, type SqlOperand, sqlOperand } from "./query-context.ts"
import { noteRestrictedJoin, resolveFieldPath } from "./resolve-field.ts"
import { resolveRequest } from "./resolve-request.ts"
import { quoteIdent } from "./sql-text.ts"

/** Most arguments of `strftime`. */
export const MAX_STRFTIME_ARGS = 10

/** Resolves one operand in the given scope. */
export function resolveOperand(scope: Scope, operand: Operand): SqlOperand {
  switch (operand.kind) {
    case "text": {
      const name = scope.ctx.bind(operand.value)
      return sqlOperand(name, { values: [operand.value], paramNames: [name], literal: { value: operand.value } })
    }
    case "number":
      return numberOperand(operand.value)
    case "function":
      return resolveFunction(scope, operand)
    case "identifier":
      return resolveIdentifier(scope, operand.name)
  }
}

/** Resolves an identifier: reserved literals, macros, `@request.*`, `@collection.*` or a field path. */
export function resolveIdentifier(scope: Scope, name: string): SqlOperand {
  if (isMacro(name)) {
    const value = macroValue(name, scope.ctx.now)!
    const param = scope.ctx.bind(value)
    return sqlOperand(param, { values: [value], paramNames: [param], literal: { value } })
  }
  assertResolvable(name)
  const lower = name.toLowerCase()
  if (lower === "null") return sqlOperand("NULL")
  if (lower === "true") return sqlOperand("1")
  if (lower === "false") return sqlOperand("0")
  if (name.startsWith("@request.")) return resolveRequest(scope, name)
  if (name.startsWith("@collection.")) return resolveCollection(scope, name)
  return resolveFieldPath(scope, splitPath(name), name)
}

/** `@collection.<name>[:alias].<path>`: an unconditioned LEFT JOIN, always multi-valued. */
function resolveCollection(scope: Scope, name: string): SqlOperand {
  const rest = name.slice("@collection.".length)
  const dot = rest.indexOf(".")
  if (dot <= 0) throw new FilterResolveError(`'${name}' needs a field path after the collection name`)
  const [collectionName, joinAlias, ...extra] = rest.slice(0, dot).split(":")
  if (extra.length > 0 || !/^\w+$/.test(collectionName!) || (joinAlias !== undefined && !/^\w+$/.test(joinAlias))) {
    throw new FilterResolveError(`invalid identifier '${name}'`)
  }
  const collection = scope.ctx.schema.findCollection(collectionName!)
  if (!collection) throw new FilterResolveError(`unknown collection '${collectionName}' in '${name}'`)
  const key = `@collection.${collection.name}${joinAlias === undefined ? "" : `:${joinAlias}`}`
  const alias = ensureJoin(scope, key, collection.name, (a) => `LEFT JOIN ${quoteIdent(collection.name)} ${quoteIdent(a)}`)
  noteRestrictedJoin(scope, alias, collection)
  const sub: Scope = { ...scope, collection, alias }
  const operand = resolveFieldPath(sub, splitPath(rest.slice(dot + 1), name), name)
  return { ...operand, multi: true }
}

function resolveFunction(scope: Scope, call: Extract<Operand, { kind: "function" }>): SqlOperand {
  switch (call.name) {
    case "geoDistance":
      return geoDistance(scope, call.args)
    case "strftime":
      return strftime(scope, call.args)
    default:
      throw new FilterResolveError(`unknown function '${call.name}'`)
  }
}

function geoDistance(scope: Scope, args: Operand[]): SqlOperand {
  if (args.length !== 4) throw new FilterResolveError(`geoDistance() needs 4 arguments, got ${args.length}`)
  const [lonA, latA, lonB, latB] = args.map((arg) => {
    if (arg.kind !== "identifier" && arg.kind !== "number") {
      throw new FilterResolveError("geoDistance() arguments must be fields or numbers")
    }
    return resolveOperand(scope, arg)
  }) as [SqlOperand, SqlOperand, SqlOperand, SqlOperand]
  // the same point is 0 km, as PocketBase's SQLite computes it (C's libm lands a hair off 0)
  const sql =
    `(CASE WHEN radians(${latA.sql}) = radians(${latB.sql}) AND radians(${lonA.sql}) = radians(${lonB.sql}) THEN 0.0 ELSE ` +
    `(6371 * acos(cos(radians(${latA.sql})) * cos(radians(${latB.sql})) * cos(radians(${lonB.sql}) - radians(${lonA.sql})) + ` +
    `sin(radians(${latA.sql})) * sin(radians(${latB.sql})))) END)`
  const operands = [lonA, latA, lonB, latB]
  return sqlOperand(sql, {
    nullFallback: "disabled",
    likeNull: args.some((arg) => arg.kind === "number") || operands.some((o) => o.paramNames.length > 0),
    paramNames: operands.flatMap((o) => o.paramNames),
    guards: operands.flatMap((o) => o.guards),
  })
}

function strftime(scope: Scope, args: Operand[]): SqlOperand {
  if (args.length < 1 || args.length > MAX_STRFTIME_ARGS) {
    throw new FilterResolveError(`strftime() takes 1 to ${MAX_STRFTIME_ARGS} arguments, got ${args.length}`)
  }
  const parts: SqlOperand[] = args.map((arg, index) => {
    if (index !== 1 && arg.kind !== "text") {
      throw new FilterResolveError("strftime() format and modifiers must be text literals")
    }
    if (arg.kind === "function") throw new FilterResolveError("strftime() time value must be text, a number or a field")
    return resolveOperand(scope, arg)
  })
  return sqlOperand(`strftime(${parts.map((p) => p.sql).join(", ")})`, {
    nullFallback: "enforced",
    likeNull: args[1]?.kind === "number",
    multi: parts[1]?.multi ?? false,
    paramNames: parts.flatMap((p) => p.paramNames),
    values: parts.flatMap((p) => p.values),
    guards: parts.flatMap((p) => p.guards),
  })
}
