/**
 * @module
 * Resolves `@request.*` identifiers to SQL. Values are bound as parameters; only auth-record
 * paths and `@request.body.<relation>.<path>` need joins. The identifier's shape is decided by
 * {@link classifyRequest}, which the in-memory matcher shares.
 */
import type { Field } from "../core/types.ts"
import { splitPath } from "./identifier.ts"
import { ensureJoin, type Scope, type SqlOperand, sqlOperand, valueOperand } from "./query-context.ts"
import { authTokenValue, lookupRequest, requestRoot, toItemList, walkValue } from "./request-values.ts"
import { classifyRequest, submittedItems, submittedText } from "./request-ref.ts"
import { relationTarget, resolveFieldPath } from "./resolve-field.ts"
import { isMultipleField } from "./schema.ts"
import { columnRef, quoteIdent } from "./sql-text.ts"
import { compareSql } from "./compare-sql.ts"

const NULL_OPERAND = (): SqlOperand => sqlOperand("NULL", { literal: { value: null } })

/** Resolves `@request.<rest>`; without a request every reference is NULL. */
export function resolveRequest(scope: Scope, name: string): SqlOperand {
  const ref = classifyRequest(scope.collection, name)
  const request = scope.ctx.request
  if (!request) return NULL_OPERAND()
  const body = (field: Field) => walkValue(requestRoot(request, "body"), [field.name])
  switch (ref.kind) {
    case "isset":
      return sqlOperand(lookupRequest(request, ref.path).found ? "TRUE" : "FALSE")
    case "static": {
      const operand = valueOperand(scope.ctx, lookupRequest(request, ref.path).value, { numericText: ref.numeric })
      return ref.lower && operand.sql !== "NULL" ? { ...operand, sql: `LOWER(${operand.sql})`, literal: undefined } : operand
    }
    case "authRow":
      return authRowOperand(scope, ref.path, name)
    case "bodyLength":
      return sqlOperand(String(submittedItems(body(ref.field).value).length))
    case "bodyLower": {
      const operand = valueOperand(scope.ctx, submittedText(body(ref.field).value))
      return { ...operand, sql: `LOWER(${operand.sql})`, literal: undefined }
    }
    case "bodyEach":
      return eachOperand(scope, name, submittedItems(body(ref.field).value), isMultipleField(ref.field))
    case "bodyChanged":
      return changedOperand(scope, ref.field)
    case "bodyRelation":
      return bodyRelationOperand(scope, ref.path, ref.field, name)
  }
}

/** `@request.body.f:changed` ≡ `@request.body.f:isset = true && @request.body.f != f`. */
function changedOperand(scope: Scope, field: Field): SqlOperand {
  const lookup = lookupRequest(scope.ctx.request, ["body", field.name])
  // not submitted: PocketBase's expansion is a parenthesised FALSE, compared as the value 0 (a bare
  // FALSE after IS would test truth instead)
  if (!lookup.found) return sqlOperand("(0)", { nullFallback: "disabled" })
  const submitted = valueOperand(scope.ctx, lookup.value, { numericText: field.type === "number" })
  const stored = resolveFieldPath(scope, { segments: [field.name], modifier: undefined }, field.name)
  return sqlOperand(`(${compareSql("!=", submitted, stored)})`, { nullFallback: "disabled" })
}

/** `@request.body.f:each`: one joined row per submitted item; every item must match when `f` is multiple. */
function eachOperand(scope: Scope, name: string, items: unknown[], multi: boolean): SqlOperand {
  const json = JSON.stringify(items)
  const param = scope.ctx.bind(json)
  const alias = ensureJoin(scope, name, "body_each", (a) => `LEFT JOIN json_each(${param}) ${quoteIdent(a)}`)
  // the submitted list is a bound value of the operand, which makes it "known non-empty" for `=`
  return sqlOperand(columnRef(alias, "value"), { multi, values: [json], likeInvalid: true })
}

/** `@request.auth.<path>` beyond the token fields: the auth record's own row (missing fields read NULL). */
function authRowOperand(scope: Scope, path: string, name: string): SqlOperand {
  const auth = scope.ctx.request?.auth
  if (!auth) return NULL_OPERAND()
  const authId = String(authTokenValue(scope.ctx.request, "id") ?? "")
  const alias = ensureJoin(scope, "@request.auth", auth.collection.name, (a) => {
    const param = scope.ctx.bind(authId)
    return `LEFT JOIN ${quoteIdent(auth.collection.name)} ${quoteIdent(a)} ON ${columnRef(a, "id")} = ${param}`
  })
  const sub: Scope = { ...scope, collection: auth.collection, alias, checkJoins: false }
  return resolveFieldPath(sub, splitPath(path, name), name, { nullifyMissing: true }) ?? NULL_OPERAND()
}

/** `@request.body.<relation>.<path>`: join the related collection on the submitted ids. */
function bodyRelationOperand(scope: Scope, path: string, relation: Field, name: string): SqlOperand {
  const ids = toItemList(walkValue(requestRoot(scope.ctx.request, "body"), [relation.name]).value).map(String)
  if (ids.length === 0) return NULL_OPERAND()
  const target = relationTarget(scope, relation, name)
  const multiple = isMultipleField(relation)
  const alias = ensureJoin(scope, `@request.body.${relation.name}`, target.name, (a) => {
    if (!multiple) return `LEFT JOIN ${quoteIdent(target.name)} ${quoteIdent(a)} ON ${columnRef(a, "id")} = ${scope.ctx.bind(ids.at(-1)!)}`
    const param = scope.ctx.bind(JSON.stringify(ids))
    return `LEFT JOIN json_each(${param}) ${quoteIdent(`${a}_je`)} ` +
      `LEFT JOIN ${quoteIdent(target.name)} ${quoteIdent(a)} ON ${columnRef(a, "id")} = ${columnRef(`${a}_je`, "value")}`
  })
  const sub: Scope = { ...scope, collection: target, alias, checkJoins: false }
  const operand = resolveFieldPath(sub, splitPath(path, name), name, { nullifyMissing: true }) ?? NULL_OPERAND()
  return multiple ? { ...operand, multi: true } : operand
}
