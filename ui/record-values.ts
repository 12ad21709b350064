/**
 * @module
 * How record values look in the dashboard: table cells, relation labels, file URLs, and the
 * multipart body the record form sends.
 */
import type { CollectionField, CollectionModel, RecordModel } from "pocketbase"
import { pb } from "./api.ts"

const IMAGE = /\.(png|jpe?g|gif|webp|svg|avif|bmp)$/i

/** Whether a stored file name is shown as an image preview. */
export const isImage = (name: string): boolean => IMAGE.test(name)

/** The URL of one of a record's files (`token` for protected files). */
export const fileUrl = (record: RecordModel, name: string, token = ""): string => pb.files.getURL(record, name, token ? { token } : {})

const LABEL_FIELDS = ["name", "title", "email", "username"]

/** A short label for a related record: its presentable fields, else a name-like field, beside its id. */
export function recordLabel(record: RecordModel, collection: CollectionModel | undefined): string {
  const presentable = collection?.fields.filter((f) => f.presentable).map((f) => record[f.name]).filter((v) => v !== "" && v != null) ?? []
  if (presentable.length > 0) return presentable.join(" · ")
  const named = LABEL_FIELDS.map((name) => record[name]).find((v) => typeof v === "string" && v !== "")
  return named ? `${named} (${record.id})` : record.id
}

/** A field value as plain text for a table cell (truncated). */
export function cellText(field: CollectionField, value: unknown): string {
  if (value === null || value === undefined || value === "") return ""
  if (field.type === "bool") return value ? "yes" : "no"
  if (field.type === "editor") return cellText({ ...field, type: "text" }, String(value).replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim())
  const text = Array.isArray(value) ? value.join(", ") : typeof value === "object" ? JSON.stringify(value) : String(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}

/** What the record form holds per field while editing. */
export interface RecordDraft {
  values: Record<string, unknown>
  newFiles: Record<string, File[]>
  removedFiles: Record<string, string[]>
  password: string
  passwordConfirm: string
}

/** Fields the form edits (autodate fields are set by the server). */
export const editableFields = (collection: CollectionModel): CollectionField[] =>
  collection.fields.filter((f) => f.type !== "autodate" && f.type !== "password" && !(f.name === "id" && f.system) && f.name !== "tokenKey")

/** The form's starting state for `record` (or a new record). */
export function draftOf(collection: CollectionModel, record: RecordModel | null): RecordDraft {
  const values: Record<string, unknown> = {}
  for (const field of collection.fields) {
    const value = record?.[field.name]
    values[field.name] = field.type === "json" || field.type === "geoPoint"
      ? (value === undefined || value === null ? "" : JSON.stringify(value, null, 2))
      : value ?? (field.type === "bool" ? false : "")
  }
  return { values, newFiles: {}, removedFiles: {}, password: "", passwordConfirm: "" }
}

/** The multipart body for a create (`isNew`) or an update. */
export function recordBody(collection: CollectionModel, draft: RecordDraft, isNew: boolean): FormData {
  const body = new FormData()
  for (const field of editableFields(collection)) {
    const value = draft.values[field.name]
    if (field.type === "file") {
      for (const file of draft.newFiles[field.name] ?? []) body.append(isNew ? field.name : `${field.name}+`, file)
      for (const name of draft.removedFiles[field.name] ?? []) body.append(`${field.name}-`, name)
      continue
    }
    if (Array.isArray(value)) {
      if (value.length === 0) body.append(field.name, "")
      for (const item of value) body.append(field.name, String(item))
      continue
    }
    body.append(field.name, typeof value === "boolean" ? String(value) : String(value ?? ""))
  }
  if (collection.type === "auth" && draft.password !== "") {
    body.append("password", draft.password)
    body.append("passwordConfirm", draft.passwordConfirm)
  }
  return body
}
