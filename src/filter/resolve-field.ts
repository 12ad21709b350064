/**
 * @module
 * Resolves record field paths (`title`, `author.team.name`, `comments_via_post.body`, `data.a.0`)
 * into SQL column expressions, adding the LEFT JOINs they need.
 */
import type { Collection, Field } from "../core/types.ts"
import { FilterResolveError } from "./errors.ts"
import { assertModifier, type FieldPath, jsonKeys } from "./identifier.ts"
import { ensureJoin, type Scope, type SqlOperand, sqlOperand } from "./query-context.ts"
import { findField, hasSingleColumnUniqueIndex, isListField, isMultipleField } from "./schema.ts"
import { columnRef, jsonArrayExpr, jsonDocExpr, jsonItemsExpr, jsonPath, quoteIdent, sqlString } from "./sql-text.ts"

/** Most relation hops in one path. */
export const MAX_RELATION_HOPS = 6

const BACK_RELATION = /^(\w+)_via_(\w+)$/

/** Options of {@link resolveFieldPath}. */
export interface ResolveOptions {
  /** Return null instead of failing on a missing field (paths under `@request`). @default false */
  nullifyMissing?: boolean
}

/** Resolves a field path relative to the scope's collection. */
export function resolveFieldPath(scope: Scope, path: FieldPath, original: string, options: { nullifyMissing: true }): SqlOperand | null
export function resolveFieldPath(scope: Scope, path: FieldPath, original: string, options?: ResolveOptions): SqlOperand
export function resolveFieldPath(scope: Scope, path: FieldPath, original: string, options: ResolveOptions = {}): SqlOperand | null {
  let collection = scope.collection
  let alias = scope.alias
  let multi = false
  let hops = 0
  const { segments, modifier } = path
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i]!
    const last = i === segments.length - 1
    const field = findField(collection, name)
    if (field) {
      assertVisible(scope, collection, field, original)
      if (last) return withMulti(finalField(scope, collection, alias, field, modifier, segments.join(".")), multi)
      if (field.type === "json" || field.type === "geoPoint") {
        return withMulti(jsonSubPath(columnRef(alias, field.name), jsonKeys(segments.slice(i + 1), modifier)), multi)
      }
      if (field.type !== "relation") {
        throw new FilterResolveError(`'${name}' in '${original}' is not a relation field`)
      }
      if (!isMultipleField(field) && i === segments.length - 2 && segments[i + 1] === "id") {
        // `rel.id` of a single relation is the local column; no join needed
        return withMulti(finalField(scope, collection, alias, field, modifier, segments.join(".")), multi)
      }
      const target = relationTarget(scope, field, original)
      if (++hops > MAX_RELATION_HOPS) throw tooDeep(original)
      alias = joinRelation(scope, alias, segments.slice(0, i + 1).join("."), field, target)
      multi ||= isMultipleField(field)
      collection = target
      continue
    }
    const back = last ? null : BACK_RELATION.exec(name)
    if (!back) {
      if (options.nullifyMissing) return null
      throw new FilterResolveError(`unknown field '${name}' in '${original}'`)
    }
    const found = backRelation(scope, collection, back[1]!, back[2]!, original, options)
    if (!found) return null
    const { source, backField } = found
    if (++hops > MAX_RELATION_HOPS) throw tooDeep(original)
    alias = joinBackRelation(scope, alias, segments.slice(0, i + 1).join("."), source, backField)
    multi ||= !hasSingleColumnUniqueIndex(source, backField.name)
    collection = source
  }
  throw new FilterResolveError(`invalid identifier '${original}'`)
}

const tooDeep = (original: string) =>
  new FilterResolveError(`'${original}' goes through more than ${MAX_RELATION_HOPS} relations`)

const withMulti = (operand: SqlOperand, multi: boolean): SqlOperand =>
  multi ? { ...operand, multi: true } : operand

function assertVisible(scope: Scope, collection: Collection, field: Field, original: string): void {
  if (scope.restricted && field.hidden) {
    throw new FilterResolveError(`field '${field.name}' of '${collection.name}' is hidden and cannot be used in '${original}'`)
  }
}

function finalField(scope: Scope, collection: Collection, alias: string, field: Field, modifier: string | undefined, path: string): SqlOperand {
  assertModifier(modifier, path)
  const column = columnRef(alias, field.name)
  const guards =
    scope.restricted && collection.type === "auth" && field.name === "email"
      ? [`${columnRef(alias, "emailVisibility")} = TRUE`]
      : []
  if (field.type === "json") {
    const value = `JSON_EXTRACT(${jsonDocExpr(column)}, '$')`
    return sqlOperand(modifier === "lower" ? `LOWER(${value})` : value, { nullFallback: "disabled", guards })
  }
  if (modifier === "lower") return sqlOperand(`LOWER(${column})`, { guards })
  if (modifier === "length" && isListField(field)) {
    return sqlOperand(`json_array_length(${jsonArrayExpr(column)})`, { guards })
  }
  if (modifier === "each" && isListField(field)) {
    // a single value is one item; only a multiple field's items must all match
    const each = ensureJoin(scope, `${path}:each`, `${field.name}_each`,
      (a) => `LEFT JOIN json_each(${jsonItemsExpr(column)}) ${quoteIdent(a)}`)
    return sqlOperand(columnRef(each, "value"), { guards, multi: isMultipleField(field) })
  }
  // :isset and :changed on stored fields, and :length/:each on other types, are ignored
  return sqlOperand(column, { guards })
}

/** `JSON_EXTRACT` of a sub-path of a json/geoPoint column; the path is made of `\w` segments only. */
function jsonSubPath(column: string, keys: readonly string[]): SqlOperand {
  return sqlOperand(`JSON_EXTRACT(${jsonDocExpr(column)}, ${sqlString(jsonPath(keys))})`, { nullFallback: "disabled" })
}

/** The collection a relation field points to. */
export function relationTarget(scope: Scope, field: Field, original: string): Collection {
  const target = field.collectionId ? scope.ctx.schema.findCollection(field.collectionId) : undefined
  if (!target) throw new FilterResolveError(`relation '${field.name}' in '${original}' points to a missing collection`)
  return target
}

function joinRelation(scope: Scope, from: string, path: string, field: Field, target: Collection): string {
  const column = columnRef(from, field.name)
  const alias = ensureJoin(scope, path, target.name, (a) =>
    isMultipleField(field)
      ? `LEFT JOIN json_each(${jsonArrayExpr(column)}) ${quoteIdent(`${a}_je`)} ` +
        `LEFT JOIN ${quoteIdent(target.name)} ${quoteIdent(a)} ON ${columnRef(a, "id")} = ${columnRef(`${a}_je`, "value")}`
      : `LEFT JOIN ${quoteIdent(target.name)} ${quoteIdent(a)} ON ${columnRef(a, "id")} = ${column}`)
  noteRestrictedJoin(scope, alias, target)
  return alias
}

function backRelation(scope: Scope, current: Collection, sourceName: string, fieldName: string, original: string, options: ResolveOptions) {
  const source = scope.ctx.schema.findCollection(sourceName)
  const backField = source ? findField(source, fieldName) : undefined
  if (!source || !backField || backField.type !== "relation" || backField.collectionId !== current.id) {
    if (options.nullifyMissing) return null
    throw new FilterResolveError(`invalid back-relation '${sourceName}_via_${fieldName}' in '${original}'`)
  }
  assertVisible(scope, source, backField, original)
  return { source, backField }
}

function joinBackRelation(scope: Scope, from: string, path: string, source: Collection, backField: Field): string {
  const alias = ensureJoin(scope, path, source.name, (a) => {
    const back = columnRef(a, backField.name)
    const condition = isMultipleField(backField)
      ? `${columnRef(from, "id")} IN (SELECT value FROM json_each(${jsonArrayExpr(back)}))`
      : `${back} = ${columnRef(from, "id")}`
    return `LEFT JOIN ${quoteIdent(source.name)} ${quoteIdent(a)} ON ${condition}`
  })
  noteRestrictedJoin(scope, alias, source)
  return alias
}

/**
 * Remembers a collection a client filter goes through, so its list rule gets applied — also
 * when an API rule made the join first, as PocketBase checks every join a client filter uses.
 */
export function noteRestrictedJoin(scope: Scope, alias: string, collection: Collection): void {
  if (!scope.restricted || !scope.checkJoins || scope.ctx.ruleCheckedAliases.has(alias)) return
  scope.ctx.ruleCheckedAliases.add(alias)
  scope.ctx.restrictedJoins.push({ alias, collection })
}
