/**
 * @module
 * Validates a collection before it is saved, reporting errors keyed by field path the way
 * PocketBase does (`data.fields["2"].name = {code, message}`).
 */
import { fieldError, type ErrorData, type FieldError } from "../core/errors.ts"
import { oauth2ProviderErrors } from "./collection-oauth2.ts"
import type { Collection, Field } from "../core/types.ts"
import { buildIndex, hasStatementSeparator, isValidIndex, parseIndex } from "./index-statement.ts"
import { hasSingleColumnUniqueIndex } from "../filter/index.ts"
import { generateFromPattern } from "./fields/index.ts"
import { THUMB_SIZE } from "../files/index.ts"

const NAME = /^\w+$/
const ZERO_THUMBS = new Set(["0x0", "0x0t", "0x0b", "0x0f"])
const FIELD_TYPES = new Set(["text", "number", "bool", "email", "url", "editor", "date", "autodate", "select", "json", "relation", "file", "password", "geoPoint"])
// Both compared case-sensitively, as PocketBase does (`Expand` and `NULL` are valid names).
const RESERVED_FIELD_NAMES = new Set(["null", "true", "false", "_rowid_", "collectionId", "collectionName", "expand"])
const RESERVED_AUTH_FIELD_NAMES = new Set(["passwordConfirm", "oldPassword"])
const RULES = ["listRule", "viewRule", "createRule", "updateRule", "deleteRule", "authRule", "manageRule"] as const

/** What validation needs to know about the rest of the schema. */
export interface ValidationContext {
  /** The stored version when updating, null when creating. */
  existing: Collection | null
  /** Every other stored collection (the one being saved excluded). */
  others: Collection[]
  /** Compiles a rule against the candidate; returns an error text, or null when it is valid. */
  checkRule(candidate: Collection, rule: string): string | null
  /** The table an existing index of this name (any case) belongs to, or null. */
  indexTable(indexName: string): string | null
}

/** Returns the field errors for `candidate`, or null when it may be saved. */
export function validateCollection(candidate: Collection, ctx: ValidationContext): ErrorData | null {
  const errors: ErrorData = {}
  const idError = validateId(candidate, ctx)
  if (idError) errors.id = idError
  const nameError = validateName(candidate, ctx)
  if (nameError) errors.name = nameError
  if (!["base", "auth", "view"].includes(candidate.type)) errors.type = fieldError("validation_in_invalid", "Must be a valid value.")
  else if (ctx.existing && ctx.existing.type !== candidate.type) {
    errors.type = fieldError("validation_collection_type_change", "Collection type cannot be changed.")
  }
  const fieldErrors = validateFields(candidate, ctx)
  if (fieldErrors) errors.fields = fieldErrors
  const indexErrors = validateIndexes(candidate, ctx)
  if (indexErrors) errors.indexes = indexErrors
  if (candidate.type === "auth") {
    // PocketBase checks MFA first and stops there.
    const mfaError = validateMfa(candidate)
    const identityError = mfaError ? null : validateIdentityFields(candidate)
    if (mfaError) errors.mfa = { enabled: mfaError }
    if (identityError) errors.passwordAuth = { identityFields: identityError }
  }
  const providerErrors = candidate.type === "auth" ? oauth2ProviderErrors(candidate.oauth2) : null
  if (providerErrors) errors.oauth2 = providerErrors
  if (!errors.fields) {
    for (const key of RULES) {
      const rule = candidate[key]
      if (typeof rule !== "string" || rule === "") continue
      const problem = ctx.checkRule(candidate, rule)
      if (problem) errors[key] = fieldError("validation_invalid_rule", `Invalid rule. Raw error: ${problem}`)
    }
    if (ctx.existing?.system) {
      for (const key of RULES) {
        if ((candidate[key] ?? null) !== (ctx.existing[key] ?? null)) {
          errors[key] = fieldError("validation_collection_system_rule_change", "System collection API rule cannot be changed.")
        }
      }
    }
  }
  return Object.keys(errors).length > 0 ? errors : null
}

function validateId(candidate: Collection, ctx: ValidationContext) {
  if (ctx.existing) return null
  if (!NAME.test(candidate.id) || candidate.id.length > 100) return fieldError("validation_match_invalid", "Must be in a valid format.")
  if (ctx.others.some((c) => c.id === candidate.id)) return fieldError("validation_collection_id_exists", "Collection id must be unique.")
  return null
}

function validateName(candidate: Collection, ctx: ValidationContext) {
  const name = candidate.name
  if (typeof name !== "string" || name === "") return fieldError("validation_required", "Cannot be blank.")
  if (name.length > 255) return fieldError("validation_length_out_of_range", "The length must be between 1 and 255.", { max: 255, min: 1 })
  if (!NAME.test(name) || name.includes("_via_")) return fieldError("validation_match_invalid", "Must be in a valid format.")
  if (ctx.existing?.system && ctx.existing.name !== name) {
    return fieldError("validation_collection_system_name_change", "System collection name cannot be changed.")
  }
  const lower = name.toLowerCase()
  if (ctx.others.some((c) => c.name.toLowerCase() === lower) || lower.startsWith("sqlite_") || lower === "_collections" || lower === "_migrations") {
    return fieldError("validation_collection_name_exists", "Collection name must be unique (case insensitive).")
  }
  if (ctx.others.some((c) => c.id === name)) return fieldError("validation_collection_name_invalid", "The name must not match an existing collection id.")
  return null
}

// In PocketBase's order: a duplicated name is reported alone (its first repeat), then reserved
// auth names, then each field's own settings; the last two report every failing field by index.
function validateFields(candidate: Collection, ctx: ValidationContext): ErrorData | null {
  const seen = new Set<string>()
  for (const [index, field] of candidate.fields.entries()) {
    const lower = String(field.name ?? "").toLowerCase()
    if (seen.has(lower)) {
      return { [String(index)]: { name: fieldError("validation_duplicated_field_name", `Duplicated or invalid field name ${field.name}.`, { fieldName: field.name }) } }
    }
    seen.add(lower)
  }
  if (candidate.type === "auth") {
    const reserved = indexedErrors(candidate.fields, (field) =>
      RESERVED_AUTH_FIELD_NAMES.has(field.name) ? { name: fieldError("validation_reserved_field_name", "The field name is reserved and cannot be used.") } : null)
    if (reserved) return reserved
  }
  const existingById = new Map((ctx.existing?.fields ?? []).map((f) => [f.id, f]))
  return indexedErrors(candidate.fields, (field) => validateField(field, candidate, existingById.get(field.id), ctx))
}

function indexedErrors(fields: Field[], check: (field: Field) => ErrorData | null): ErrorData | null {
  const errors: ErrorData = {}
  fields.forEach((field, index) => {
    const error = check(field)
    if (error) errors[String(index)] = error
  })
  return Object.keys(errors).length > 0 ? errors : null
}

function fieldNameError(name: unknown) {
  if (typeof name !== "string" || name === "") return fieldError("validation_required", "Cannot be blank.")
  if (name.length > 100) return fieldError("validation_length_out_of_range", "The length must be between 1 and 100.", { max: 100, min: 1 })
  if (!NAME.test(name)) return fieldError("validation_match_invalid", "Must be in a valid format.")
  if (RESERVED_FIELD_NAMES.has(name)) return fieldError("validation_not_in_invalid", "Must not be in list.")
  if (name.toLowerCase().includes("_via_")) return fieldError("validation_found_via", "The value cannot contain \"_via_\".")
  return null
}

function validateField(field: Field, candidate: Collection, previous: Field | undefined, ctx: ValidationContext): ErrorData | null {
  const nameError = fieldNameError(field.name)
  if (nameError) return { name: nameError }
  if (!FIELD_TYPES.has(field.type)) return { type: fieldError("validation_in_invalid", "Must be a valid value.") }
  if (previous && previous.type !== field.type) return { type: fieldError("validation_field_type_change", "Field type cannot be changed.") }
  if (field.type === "relation") {
    if (!field.collectionId) return { collectionId: fieldError("validation_required", "Cannot be blank.") }
    const target = field.collectionId === candidate.id ? candidate : ctx.others.find((c) => c.id === field.collectionId)
    if (!target || target.type === "view") return { collectionId: fieldError("validation_field_invalid_relation", "The relation collection doesn't exist.") }
  }
  if (field.type === "select" && (!Array.isArray(field.values) || field.values.length === 0)) {
    return { values: fieldError("validation_required", "Cannot be blank.") }
  }
  for (const option of ["pattern", "autogeneratePattern"] as const) {
    const problem = typeof field[option] === "string" && field[option] !== "" ? regexProblem(field[option] as string, option) : null
    if (problem) return { [option]: fieldError("validation_invalid_regex", `Error parsing regexp: ${problem}.`) }
  }
  if (field.type === "password" && field.cost) {
    if (field.cost < 4) return { cost: fieldError("validation_min_greater_equal_than_required", "Must be no less than 4.", { threshold: 4 }) }
    if (field.cost > 31) return { cost: fieldError("validation_max_less_equal_than_required", "Must be no greater than 31.", { threshold: 31 }) }
  }
  if (field.type === "autodate" && !field.onCreate && !field.onUpdate) {
    return { onUpdate: fieldError("validation_required", "Either onCreate or onUpdate must be enabled.") }
  }
  if (field.type === "file") return thumbsProblem(field.thumbs)
  return null
}

// MFA is a second step, so it needs two ways to log in.
function validateMfa(candidate: Collection) {
  const enabled = (option: string) => (candidate[option] as { enabled?: unknown } | undefined)?.enabled === true
  if (!enabled("mfa")) return null
  const methods = ["passwordAuth", "oauth2", "otp"].filter(enabled).length
  return methods < 2 ? fieldError("validation_mfa_not_enough_auths", "MFA requires at least 2 auth methods to be enabled.") : null
}

// Each thumb size must be one PocketBase can make: not 0 by 0, and in its WxH[t|b|f] syntax.
function thumbsProblem(thumbs: unknown): ErrorData | null {
  if (!Array.isArray(thumbs)) return null
  const errors: ErrorData = {}
  for (const [index, size] of thumbs.entries()) {
    if (ZERO_THUMBS.has(size)) errors[String(index)] = fieldError("validation_not_in_invalid", "Must not be in list.")
    else if (typeof size !== "string" || !THUMB_SIZE.test(size)) errors[String(index)] = fieldError("validation_match_invalid", "Must be in a valid format.")
  }
  return Object.keys(errors).length > 0 ? { thumbs: errors } : null
}

// Logins look identities up by these fields, so each must exist and be unique on its own.
function validateIdentityFields(candidate: Collection) {
  const identityFields = (candidate.passwordAuth as { identityFields?: unknown } | undefined)?.identityFields
  if (!Array.isArray(identityFields)) return null
  for (const name of identityFields) {
    if (!candidate.fields.some((f) => f.name === name)) {
      return fieldError("validation_missing_field", `Invalid or missing field ${String(name)}.`, { fieldName: name })
    }
    if (!hasSingleColumnUniqueIndex(candidate, String(name))) {
      return fieldError("validation_missing_unique_constraint", `The field ${String(name)} doesn't have a UNIQUE constraint.`, { fieldName: name })
    }
  }
  return null
}

// `pattern` must be a valid regular expression; `autogeneratePattern` must also be one we can generate from.
function regexProblem(pattern: string, option: "pattern" | "autogeneratePattern"): string | null {
  try {
    new RegExp(pattern)
    if (option === "autogeneratePattern") generateFromPattern(pattern)
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

// PocketBase reports the first bad index only. The table an index names does not matter: every
// index is rebuilt on the collection's own table.
function validateIndexes(candidate: Collection, ctx: ValidationContext): ErrorData | FieldError | null {
  if (candidate.type === "view" && candidate.indexes.length > 0) {
    return fieldError("validation_indexes_not_supported", "View collections don't support indexes.")
  }
  const names = new Set<string>()
  const definitions = new Set<string>()
  for (const [position, statement] of candidate.indexes.entries()) {
    const error = indexError(statement, names, definitions, ctx, candidate)
    if (error) return { [String(position)]: error }
  }
  return null
}

function indexError(statement: string, names: Set<string>, definitions: Set<string>, ctx: ValidationContext, candidate: Collection): FieldError | null {
  const parsed = { ...parseIndex(statement), tableName: "validator" }
  if (!isValidIndex(parsed) || hasStatementSeparator(buildIndex(parsed))) {
    return fieldError("validation_invalid_index_expression", "Invalid CREATE INDEX expression.")
  }
  const lowerName = parsed.indexName.toLowerCase()
  if (names.has(lowerName)) return fieldError("validation_duplicated_index_name", "The index name already exists.")
  names.add(lowerName)
  const usedBy = ctx.indexTable(parsed.indexName)
  const ownTables = [candidate.name.toLowerCase(), (ctx.existing?.name ?? "").toLowerCase()]
  if (usedBy !== null && !ownTables.includes(usedBy.toLowerCase())) {
    return fieldError("validation_existing_index_name", `The index name is already used in ${usedBy} collection.`, { usedTableName: usedBy })
  }
  const definition = buildIndex({ ...parsed, schemaName: "validator", indexName: "validator" })
  if (definitions.has(definition)) return fieldError("validation_duplicated_index_definition", "The index definition already exists.")
  definitions.add(definition)
  return null
}
