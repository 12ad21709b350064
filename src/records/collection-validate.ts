/**
 * @module
 * Validates a collection before it is saved, reporting errors keyed by field path the way
 * PocketBase does (`data.fields["2"].name = {code, message}`).
 */
import { fieldError, type ErrorData } from "../core/errors.ts"
import type { Collection, Field } from "../core/types.ts"
import { indexName } from "./schema-sql.ts"
import { hasSingleColumnUniqueIndex } from "../filter/index.ts"
import { generateFromPattern } from "./fields/index.ts"
import { THUMB_SIZE } from "../files/index.ts"

const NAME = /^\w+$/
const ZERO_THUMBS = new Set(["0x0", "0x0t", "0x0b", "0x0f"])
const FIELD_TYPES = new Set(["text", "number", "bool", "email", "url", "editor", "date", "autodate", "select", "json", "relation", "file", "password", "geoPoint"])
const RESERVED_FIELD_NAMES = new Set(["null", "true", "false", "_rowid_", "collectionid", "collectionname", "expand"])
const RESERVED_AUTH_FIELD_NAMES = new Set(["passwordconfirm", "oldpassword"])
const RULES = ["listRule", "viewRule", "createRule", "updateRule", "deleteRule", "authRule", "manageRule"] as const

/** What validation needs to know about the rest of the schema. */
export interface ValidationContext {
  /** The stored version when updating, null when creating. */
  existing: Collection | null
  /** Every other stored collection (the one being saved excluded). */
  others: Collection[]
  /** Compiles a rule against the candidate; returns an error text, or null when it is valid. */
  checkRule(candidate: Collection, rule: string): string | null
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
  const indexErrors = validateIndexes(candidate)
  if (indexErrors) errors.indexes = indexErrors
  const identityError = candidate.type === "auth" ? validateIdentityFields(candidate) : null
  if (identityError) errors.passwordAuth = { identityFields: identityError }
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

// PocketBase reports the first failing field only; so do we.
function validateFields(candidate: Collection, ctx: ValidationContext): ErrorData | null {
  const seen = new Set<string>()
  const existingById = new Map((ctx.existing?.fields ?? []).map((f) => [f.id, f]))
  for (const [index, field] of candidate.fields.entries()) {
    const error = validateField(field, candidate, seen, existingById.get(field.id), ctx)
    if (error) return { [String(index)]: error }
    seen.add(String(field.name).toLowerCase())
  }
  return null
}

function validateField(field: Field, candidate: Collection, seen: Set<string>, previous: Field | undefined, ctx: ValidationContext): ErrorData | null {
  if (typeof field.name !== "string" || field.name === "") return { name: fieldError("validation_required", "Cannot be blank.") }
  const lower = field.name.toLowerCase()
  const reserved = RESERVED_FIELD_NAMES.has(lower) || (candidate.type === "auth" && RESERVED_AUTH_FIELD_NAMES.has(lower))
  if (field.name.length > 100 || !NAME.test(field.name) || field.name.includes("_via_") || reserved || seen.has(lower)) {
    return { name: fieldError("validation_duplicated_field_name", `Duplicated or invalid field name ${field.name}.`, { fieldName: field.name }) }
  }
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

function validateIndexes(candidate: Collection): ErrorData | null {
  const errors: ErrorData = {}
  const names = new Set<string>()
  for (const [index, statement] of candidate.indexes.entries()) {
    const name = typeof statement === "string" ? indexName(statement) : null
    if (!name || names.has(name.toLowerCase())) {
      errors[String(index)] = fieldError("validation_invalid_index_expression", "Invalid CREATE INDEX expression.")
    } else names.add(name.toLowerCase())
  }
  return Object.keys(errors).length > 0 ? errors : null
}
