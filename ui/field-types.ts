/**
 * @module
 * Every collection field type and the options each one takes, so the collection editor can
 * draw a form for any of them from one table.
 */

/** How an option is edited. */
export type OptionKind = "number" | "bool" | "text" | "list" | "collection" | "values"

/** One option of a field type. */
export interface OptionSpec {
  key: string
  label: string
  kind: OptionKind
  hint?: string
}

const text = (key: string, label: string, hint?: string): OptionSpec => ({ key, label, kind: "text", hint })
const num = (key: string, label: string, hint?: string): OptionSpec => ({ key, label, kind: "number", hint })
const bool = (key: string, label: string): OptionSpec => ({ key, label, kind: "bool" })
const list = (key: string, label: string, hint = "Comma separated."): OptionSpec => ({ key, label, kind: "list", hint })

const domains = [list("onlyDomains", "Only these domains"), list("exceptDomains", "Except these domains")]

/** Field type → its options, in display order. */
export const FIELD_TYPES: Record<string, OptionSpec[]> = {
  text: [num("min", "Min length"), num("max", "Max length"), text("pattern", "Regex pattern"), text("autogeneratePattern", "Autogenerate pattern", "e.g. [a-z0-9]{30}"), bool("primaryKey", "Primary key")],
  editor: [num("maxSize", "Max size (bytes)"), bool("convertURLs", "Convert URLs to relative")],
  number: [num("min", "Min"), num("max", "Max"), bool("onlyInt", "Integers only")],
  bool: [],
  email: domains,
  url: domains,
  date: [text("min", "Earliest", "YYYY-MM-DD HH:mm:ss.SSSZ"), text("max", "Latest", "YYYY-MM-DD HH:mm:ss.SSSZ")],
  autodate: [bool("onCreate", "Set on create"), bool("onUpdate", "Set on update")],
  select: [{ key: "values", label: "Choices", kind: "values", hint: "Comma separated." }, num("maxSelect", "Max selected")],
  file: [num("maxSelect", "Max files"), num("maxSize", "Max size per file (bytes)"), list("mimeTypes", "Allowed MIME types"), list("thumbs", "Thumb sizes", "e.g. 100x100, 0x300"), bool("protected", "Protected (needs a file token)")],
  relation: [{ key: "collectionId", label: "Related collection", kind: "collection" }, num("minSelect", "Min selected"), num("maxSelect", "Max selected"), bool("cascadeDelete", "Delete with the related record")],
  json: [num("maxSize", "Max size (bytes)")],
  geoPoint: [],
  password: [num("min", "Min length"), num("max", "Max length"), text("pattern", "Regex pattern"), num("cost", "bcrypt cost")],
}

/** Types a user can add (password fields belong to auth collections only). */
export const ADDABLE_TYPES = Object.keys(FIELD_TYPES).filter((type) => type !== "password")

/** A new field of `type` with PocketBase's defaults for its flags. */
export function newField(type: string, name: string): Record<string, unknown> {
  const field: Record<string, unknown> = { name, type, required: false, hidden: false, presentable: false, system: false }
  if (type === "autodate") Object.assign(field, { onCreate: true, onUpdate: false })
  if (type === "select") Object.assign(field, { values: [], maxSelect: 1 })
  if (type === "file") Object.assign(field, { maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: [], protected: false })
  if (type === "relation") Object.assign(field, { collectionId: "", maxSelect: 1, minSelect: 0, cascadeDelete: false })
  return field
}
