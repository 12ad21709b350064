/**
 * @module
 * Plain data types shared by every layer: the collection model (PocketBase's JSON shape),
 * records, and the identity of whoever is asking.
 */

export type CollectionType = "base" | "auth" | "view"

export type FieldType =
  | "text" | "number" | "bool" | "email" | "url" | "editor" | "date" | "autodate"
  | "select" | "json" | "relation" | "file" | "password" | "geoPoint"

/** A collection field in PocketBase's JSON shape; type-specific options sit beside the common keys. */
export interface Field {
  id: string
  name: string
  type: FieldType
  system: boolean
  hidden: boolean
  presentable: boolean
  required?: boolean
  help?: string
  // type options (present only for the types that use them)
  min?: number | string | null
  max?: number | string | null
  pattern?: string
  autogeneratePattern?: string
  primaryKey?: boolean
  onlyInt?: boolean
  exceptDomains?: string[] | null
  onlyDomains?: string[] | null
  maxSize?: number
  convertURLs?: boolean
  onCreate?: boolean
  onUpdate?: boolean
  values?: string[]
  maxSelect?: number
  minSelect?: number
  collectionId?: string
  cascadeDelete?: boolean
  mimeTypes?: string[]
  thumbs?: string[]
  protected?: boolean
  cost?: number
  [option: string]: unknown
}

/** A collection in PocketBase's JSON shape (auth-only keys are optional). */
export interface Collection {
  id: string
  name: string
  type: CollectionType
  system: boolean
  fields: Field[]
  indexes: string[]
  listRule: string | null
  viewRule: string | null
  createRule: string | null
  updateRule: string | null
  deleteRule: string | null
  created: string
  updated: string
  viewQuery?: string
  authRule?: string | null
  manageRule?: string | null
  [option: string]: unknown
}

/** One stored record: column name → decoded value (JSON columns already parsed). */
export type RecordData = Record<string, unknown>

/** Who is asking: nothing (guest) or an auth record with its collection. */
export interface AuthContext {
  record: RecordData
  collection: Collection
}

/** True when the auth context belongs to the `_superusers` collection. */
export const isSuperuser = (auth: AuthContext | null | undefined): boolean =>
  auth?.collection.name === "_superusers"

/**
 * What API rules and filters may read as `@request.*`. The same shape serves REST requests and
 * realtime subscriptions (context `realtime`, method `GET`, query/headers from the topic options).
 */
export interface RequestInfo {
  auth: AuthContext | null
  context: "default" | "expand" | "realtime" | "protectedFile" | "batch" | "oauth2" | "otp" | "password"
  method: string
  query: Record<string, string>
  /** Header names already converted to lower snake_case (`X-Token` → `x_token`). */
  headers: Record<string, string>
  body: Record<string, unknown>
}
