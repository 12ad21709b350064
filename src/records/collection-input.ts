/**
 * @module
 * Turns a submitted collection body (create, update or import item) into a complete collection:
 * defaults filled, system fields kept, field ids assigned, auth secrets preserved.
 */
import { ApiError } from "../core/errors.ts"
import { nowDateTime } from "../core/clock.ts"
import type { Collection, CollectionType, Field } from "../core/types.ts"
import { authIndexes, authSystemFields, blankCollection, idField, TOKEN_OPTIONS } from "./collection-defaults.ts"
import { indexOnTable, parseIndex } from "./index-statement.ts"
import { newTokenSecret } from "../core/random.ts"
import { mergeOAuth2Option } from "./collection-oauth2.ts"
import { defaultFieldId, FIELD_TYPE_DEFAULTS, withFieldDefaults } from "./fields/index.ts"

const RULE_KEYS = ["listRule", "viewRule", "createRule", "updateRule", "deleteRule", "authRule", "manageRule"]
const AUTH_OBJECT_KEYS = [
  "authAlert", "oauth2", "passwordAuth", "mfa", "otp", ...TOKEN_OPTIONS,
  "verificationTemplate", "resetPasswordTemplate", "confirmEmailChangeTemplate",
]

type OptionKind = "integer" | "number" | "string" | "boolean" | "strings"

/** The JSON type of each field option; a value of another type fails to decode, as in PocketBase. */
const OPTION_KINDS: Record<string, Record<string, OptionKind>> = {
  "*": { id: "string", name: "string", required: "boolean", hidden: "boolean", presentable: "boolean", system: "boolean", help: "string" },
  text: { min: "integer", max: "integer", pattern: "string", autogeneratePattern: "string", primaryKey: "boolean" },
  password: { min: "integer", max: "integer", cost: "integer", pattern: "string" },
  number: { onlyInt: "boolean" },
  email: { onlyDomains: "strings", exceptDomains: "strings" },
  url: { onlyDomains: "strings", exceptDomains: "strings" },
  editor: { maxSize: "integer", convertURLs: "boolean" },
  date: { min: "string", max: "string" },
  autodate: { onCreate: "boolean", onUpdate: "boolean" },
  select: { maxSelect: "integer", values: "strings" },
  json: { maxSize: "integer" },
  relation: { maxSelect: "integer", minSelect: "integer", collectionId: "string", cascadeDelete: "boolean" },
  file: { maxSelect: "integer", maxSize: "integer", mimeTypes: "strings", thumbs: "strings", protected: "boolean" },
}

const OPTION_CHECKS: Record<OptionKind, (value: unknown) => boolean> = {
  integer: (v) => Number.isSafeInteger(v),
  number: (v) => typeof v === "number" && Number.isFinite(v),
  string: (v) => typeof v === "string",
  boolean: (v) => typeof v === "boolean",
  strings: (v) => Array.isArray(v) && v.every((item) => typeof item === "string"),
}

function optionsDecode(raw: Record<string, unknown>): boolean {
  const kinds = { ...OPTION_KINDS["*"], ...OPTION_KINDS[String(raw.type)] }
  return Object.entries(kinds).every(([option, kind]) => raw[option] === undefined || raw[option] === null || OPTION_CHECKS[kind](raw[option]))
}

const invalidFormat = () => new ApiError(400, "Failed to load the submitted data due to invalid formatting.")
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Builds the candidate collection from a request body; `existing` is the stored one on update. */
export function collectionFromInput(input: unknown, existing: Collection | null): Collection {
  if (!isObject(input)) throw invalidFormat()
  const type = (existing?.type ?? input.type ?? "base") as CollectionType
  const name = typeof input.name === "string" ? input.name : existing?.name ?? ""
  const base = existing ? structuredClone(existing) : blankCollection(["base", "auth", "view"].includes(type) ? type : "base", name)
  if (!existing && typeof input.type === "string") base.type = input.type as CollectionType
  if (existing && typeof input.type === "string") base.type = input.type as CollectionType
  base.name = name
  if (!existing && typeof input.id === "string" && input.id !== "") base.id = input.id
  for (const key of base.type === "auth" ? RULE_KEYS : RULE_KEYS.slice(0, 5)) {
    if (!(key in input)) continue
    const rule = input[key]
    if (rule !== null && typeof rule !== "string") throw invalidFormat()
    base[key] = rule
  }
  if ("indexes" in input) {
    if (!Array.isArray(input.indexes) || input.indexes.some((i) => typeof i !== "string")) throw invalidFormat()
    base.indexes = [...(input.indexes as string[])]
  }
  if (typeof input.viewQuery === "string" && base.type === "view") base.viewQuery = input.viewQuery
  if ("fields" in input) base.fields = fieldsFromInput(input.fields, base)
  ensureSystemFields(base)
  if (base.type === "auth") {
    mergeAuthOptions(base, input)
    // A new authRule could lock out records whose tokens are already out: all of them die.
    if (existing && existing.authRule !== base.authRule) {
      base.authToken = { ...(base.authToken as Record<string, unknown>), secret: newTokenSecret() }
    }
    const names = new Set(base.indexes.map((i) => parseIndex(i).indexName))
    for (const index of authIndexes(base)) {
      if (!names.has(parseIndex(index).indexName)) base.indexes.push(index)
    }
  }
  base.indexes = base.indexes.map((index) => onOwnTable(index, base.name))
  base.updated = nowDateTime()
  return base
}

// An index always belongs to its collection's table (PocketBase rewrites the table name, it does
// not refuse it); text that does not parse is kept as sent for validation to reject.
function onOwnTable(index: string, table: string): string {
  if (parseIndex(index).tableName === table) return index
  return indexOnTable(index, table) || index
}

function fieldsFromInput(value: unknown, collection: Collection): Field[] {
  if (!Array.isArray(value) || value.some((f) => !isObject(f))) throw invalidFormat()
  return (value as Array<Record<string, unknown>>).map((raw) => {
    if (!optionsDecode(raw)) throw invalidFormat()
    const field = { ...raw } as Field
    if (typeof field.id !== "string" || field.id === "") {
      const existing = collection.fields.find((f) => f.name === field.name && f.type === field.type)
      field.id = existing?.id ?? defaultFieldId(String(field.type), String(field.name ?? ""))
    }
    // An unknown type is kept as sent so validation can report it on that field.
    return Object.hasOwn(FIELD_TYPE_DEFAULTS, String(field.type)) && typeof field.name === "string" ? withFieldDefaults(field) : field
  })
}

// System fields cannot be removed: a submitted field list that omits them gets them back.
function ensureSystemFields(collection: Collection): void {
  if (collection.type === "view") return
  const required = collection.type === "auth" ? [idField(), ...authSystemFields()] : [idField()]
  const present = new Set(collection.fields.map((f) => f.name))
  const missing = required.filter((f) => !present.has(f.name))
  if (missing.length === 0) return
  const idMissing = missing[0]?.name === "id"
  collection.fields = idMissing
    ? [missing[0]!, ...collection.fields, ...missing.slice(1)]
    : [...collection.fields, ...missing]
}

// Nested auth options merge key by key so a partial update never drops a token secret.
function mergeAuthOptions(collection: Collection, input: Record<string, unknown>): void {
  for (const key of AUTH_OBJECT_KEYS) {
    const submitted = input[key]
    if (!isObject(submitted)) continue
    const current = isObject(collection[key]) ? (collection[key] as Record<string, unknown>) : {}
    collection[key] = key === "oauth2" ? mergeOAuth2Option(current, submitted) : { ...current, ...submitted }
  }
}
