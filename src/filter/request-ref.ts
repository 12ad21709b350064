/**
 * @module
 * What an `@request.*` identifier stands for, decided from its spelling and the collection alone
 * (no request needed), so the SQL compiler and the in-memory matcher read it the same way. The
 * rules are PocketBase's: `@request.auth.<token field>` is a plain value and any other auth path
 * (a modifier included) reads the auth record's row; `@request.body.<field>:each|length|lower|changed`
 * and `@request.body.<relation>.<path>` use the collection's field; everything else is a static
 * lookup where `:isset` tests presence and only `:lower` may follow a value.
 */
import type { Collection, Field } from "../core/types.ts"
import { FilterResolveError } from "./errors.ts"
import { AUTH_TOKEN_FIELDS } from "./request-values.ts"
import { findField, isListField } from "./schema.ts"

/** The shape of one `@request.*` reference. `path` starts with the kind (`query`, `body`, `auth`, ...). */
export type RequestRef =
  | { kind: "static"; path: string[]; lower: boolean; numeric: boolean }
  | { kind: "isset"; path: string[] }
  | { kind: "authRow"; path: string }
  | { kind: "bodyEach" | "bodyLength" | "bodyLower" | "bodyChanged"; field: Field }
  | { kind: "bodyRelation"; field: Field; path: string }

const MODIFIERS = new Set(["isset", "each", "length", "lower", "changed"])

/** `name:modifier` → [name, modifier]; several colons mean no modifier at all; unknown modifiers are errors. */
function splitModifier(prop: string, original: string): [string, string] {
  const parts = prop.split(":")
  if (parts.length !== 2) return [prop, ""]
  if (!MODIFIERS.has(parts[1]!)) throw new FilterResolveError(`unknown modifier ':${parts[1]}' in '${original}'`)
  return [parts[0]!, parts[1]!]
}

/** Classifies `@request.<rest>`; throws {@link FilterResolveError} for modifiers that cannot apply. */
export function classifyRequest(collection: Collection, name: string): RequestRef {
  const props = name.split(".").slice(1)
  if (props[0] === "auth" && props.length > 1) {
    if (props.length === 2 && AUTH_TOKEN_FIELDS.has(props[1]!)) return { kind: "static", path: props, lower: false, numeric: false }
    return { kind: "authRow", path: props.slice(1).join(".") }
  }
  if (props[0] === "body" && props.length > 1) {
    const [fieldName, modifier] = splitModifier(props[1]!, name)
    const field = findField(collection, fieldName)
    if (field?.type === "relation" && props.length > 2) return { kind: "bodyRelation", field, path: props.slice(2).join(".") }
    if (field && props.length === 2) {
      if ((modifier === "each" || modifier === "length") && !isListField(field)) {
        throw new FilterResolveError(`field '${field.name}' has no multiple values for ':${modifier}' in '${name}'`)
      }
      if (modifier === "each") return { kind: "bodyEach", field }
      if (modifier === "length") return { kind: "bodyLength", field }
      if (modifier === "lower") return { kind: "bodyLower", field }
      if (modifier === "changed") return { kind: "bodyChanged", field }
    }
  }
  const [last, modifier] = splitModifier(props.at(-1)!, name)
  const path = [...props.slice(0, -1), last]
  if (modifier === "isset") return { kind: "isset", path }
  if (modifier !== "" && modifier !== "lower") throw new FilterResolveError(`modifier ':${modifier}' cannot follow '${name}'`)
  return { kind: "static", path, lower: modifier === "lower", numeric: findField(collection, last)?.type === "number" }
}

/** PocketBase's text form of a submitted value for `:lower` (non-scalars and missing values read as ''). */
export function submittedText(value: unknown): string {
  if (typeof value === "string") return value
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value)
  return ""
}

/** Submitted items of a multi-valued body field: missing is none, a non-list is one item. */
export function submittedItems(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

/** The error for a submitted `:each` list on the right of `~`: PocketBase turns the JSON it walks into a pattern and its query fails. */
export const submittedListPattern = (): FilterResolveError =>
  new FilterResolveError("a submitted list walked with :each cannot be a ~ pattern")
