/**
 * @module
 * Resolves `@request.*` identifiers. Values are bound as parameters; only `@request.auth`
 * fields beyond the token's own and `@request.body.<relation>.<path>` need joins.
 */
import { FilterResolveError } from "./errors.ts"
import { splitPath } from "./identifier.ts"
import { ensureJoin, type Scope, type SqlOperand, sqlOperand, valueOperand } from "./query-context.ts"
import { authTokenValue, AUTH_TOKEN_FIELDS, lookupRequest, requestRoot, toItemList, walkValue } from "./request-values.ts"
import { relationTarget, resolveFieldPath } from "./resolve-field.ts"
import { findField, isListField, isMultipleField } from "./schema.ts"
import { columnRef, quoteIdent } from "./sql-text.ts"
import { compareSql } from "./compare-sql.ts"

const NULL_OPERAND = (): SqlOperand => sqlOperand("NULL", { literal: { value: null } })

/** Resolves `@request.<rest>`; unknown keys are NULL, unknown modifiers an error. */
export function resolveRequest(scope: Scope, name: string): SqlOperand {
  const { segments, modifier } = splitPath(name.slice("@request.".length), name)
  const request = scope.ctx.request
  if (modifier === "isset") {
    return sqlOperand(lookupRequest(request, segments).found ? "TRUE" : "FALSE")
  }
  const [kind] = segments
  const bodyField = kind === "body" && segments.length >= 2 ? findField(scope.collection, segments[1]!) : undefined

  if (modifier === "length" || modifier === "each" || modifier === "changed") {
    if (!bodyField || segments.length !== 2 || (modifier !== "changed" && !isListField(bodyField))) {
      throw new FilterResolveError(`modifier ':${modifier}' is not supported on '${name}'`)
    }
    if (modifier === "changed") return changedOperand(scope, segments, bodyField.name)
    const items = toItemList(lookupRequest(request, segments).value)
    if (modifier === "length") {
      const param = scope.ctx.bind(items.length)
      return sqlOperand(param, { values: [items.length], paramNames: [param], literal: { value: items.length } })
    }
    if (isMultipleField(bodyField)) return eachOperand(scope, name, items)
    return valueOperand(scope.ctx, items.at(-1) ?? null)
  }

  let operand: SqlOperand
  if (kind === "auth" && segments.length >= 2 && !(segments.length === 2 && AUTH_TOKEN_FIELDS.has(segments[1]!))) {
    operand = authJoinOperand(scope, segments.slice(1), name)
  } else if (bodyField?.type === "relation" && segments.length >= 3) {
    operand = bodyRelationOperand(scope, segments.slice(2), bodyField.name, name)
  } else {
    const lastField = findField(scope.collection, segments.at(-1)!)
    const { value } = lookupRequest(request, segments)
    operand = valueOperand(scope.ctx, value, { numericText: lastField?.type === "number" })
  }
  if (modifier === "lower") return lowerOperand(operand)
  return operand
}

function lowerOperand(operand: SqlOperand): SqlOperand {
  return { ...operand, sql: `LOWER(${operand.sql})`, literal: undefined }
}

/** `@request.body.f:changed` ≡ `@request.body.f:isset = true && @request.body.f != f`. */
function changedOperand(scope: Scope, segments: string[], field: string): SqlOperand {
  const request = scope.ctx.request
  const lookup = lookupRequest(request, segments)
  if (!lookup.found) return sqlOperand("FALSE", { nullFallback: "disabled" })
  const lastField = findField(scope.collection, field)
  const submitted = valueOperand(scope.ctx, lookup.value, { numericText: lastField?.type === "number" })
  const stored = resolveFieldPath(scope, { segments: [field], modifier: undefined }, field)
  return sqlOperand(`(${compareSql("!=", submitted, stored)})`, { nullFallback: "disabled" })
}

/** `@request.body.f:each` on a multiple field: one joined row per submitted item. */
function eachOperand(scope: Scope, name: string, items: unknown[]): SqlOperand {
  const param = scope.ctx.bind(JSON.stringify(items))
  const { alias } = ensureJoin(scope, name, "body_each", (a) => `LEFT JOIN json_each(${param}) ${quoteIdent(a)}`)
  return sqlOperand(columnRef(alias, "value"), { multi: true })
}

/** `@request.auth.<field path>` beyond the token fields: join the auth record's own table. */
function authJoinOperand(scope: Scope, path: string[], name: string): SqlOperand {
  const auth = scope.ctx.request?.auth
  if (!auth) return NULL_OPERAND()
  const first = path[0]!
  const known = findField(auth.collection, first) || /^\w+_via_\w+$/.test(first)
  if (!known) return NULL_OPERAND()
  const authId = String(authTokenValue(scope.ctx.request, "id") ?? "")
  const { alias } = ensureJoin(scope, "@request.auth", auth.collection.name, (a) => {
    const param = scope.ctx.bind(authId)
    return `LEFT JOIN ${quoteIdent(auth.collection.name)} ${quoteIdent(a)} ON ${columnRef(a, "id")} = ${param}`
  })
  const sub: Scope = { ...scope, collection: auth.collection, alias, checkJoins: false }
  return resolveFieldPath(sub, { segments: path, modifier: undefined }, name)
}

/** `@request.body.<relation>.<path>`: join the related collection on the submitted ids. */
function bodyRelationOperand(scope: Scope, rest: string[], field: string, name: string): SqlOperand {
  const relation = findField(scope.collection, field)!
  const ids = toItemList(walkValue(requestRoot(scope.ctx.request, "body"), [field]).value).map(String)
  if (ids.length === 0) return NULL_OPERAND()
  const target = relationTarget(scope, relation, name)
  const multiple = isMultipleField(relation)
  const { alias } = ensureJoin(scope, `@request.body.${field}`, target.name, (a) => {
    if (!multiple) return `LEFT JOIN ${quoteIdent(target.name)} ${quoteIdent(a)} ON ${columnRef(a, "id")} = ${scope.ctx.bind(ids.at(-1)!)}`
    const param = scope.ctx.bind(JSON.stringify(ids))
    return `LEFT JOIN json_each(${param}) ${quoteIdent(`${a}_je`)} ` +
      `LEFT JOIN ${quoteIdent(target.name)} ${quoteIdent(a)} ON ${columnRef(a, "id")} = ${columnRef(`${a}_je`, "value")}`
  })
  const sub: Scope = { ...scope, collection: target, alias, checkJoins: false }
  const operand = resolveFieldPath(sub, { segments: rest, modifier: undefined }, name)
  return multiple ? { ...operand, multi: true } : operand
}
