/**
 * @module
 * The model classes PocketBase's JavaScript API hands to migrations and hooks: `Collection`,
 * `FieldsList`, `Field` and the typed field classes, `Record`, `DynamicModel`, and `unmarshal`.
 * Collections are kept in PocketBase's JSON shape (what `GET /api/collections` returns), so
 * saving one is the same as a collections API write.
 */
import type { ErrorData } from "../core/errors.ts"
import type { Collection as StoredCollection, RecordData } from "../core/types.ts"
import { hashPasswordSync } from "../core/passwords.ts"
import { collectionJSON } from "../records/collection-json.ts"
import { PasswordValue } from "../records/fields/index.ts"

/** Copies `data`'s keys onto `target` (PocketBase's `unmarshal`); `fields` become a {@link FieldsList}. */
export function unmarshal(data: unknown, target: Record<string, unknown>): void {
  const source = typeof data === "string" ? JSON.parse(data) : data
  if (!source || typeof source !== "object") return
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (key === "fields" && target instanceof Collection) target.fields = new FieldsList(Array.isArray(value) ? value : [])
    else target[key] = value === null || typeof value !== "object" ? value : structuredClone(value)
  }
}

/** One field definition; the typed classes below only preset `type`. */
export class Field {
  [option: string]: unknown
  constructor(data: Record<string, unknown> = {}) {
    Object.assign(this, structuredClone(data))
  }
}

const FIELD_TYPES = {
  TextField: "text", NumberField: "number", BoolField: "bool", EmailField: "email", URLField: "url", EditorField: "editor",
  DateField: "date", AutodateField: "autodate", SelectField: "select", JSONField: "json", RelationField: "relation",
  FileField: "file", PasswordField: "password", GeoPointField: "geoPoint",
} as const

/** `TextField`, `NumberField`, ...: `new TextField({ name: "title" })` is a text field. */
export const fieldClasses: Record<keyof typeof FIELD_TYPES, typeof Field> = Object.fromEntries(
  Object.entries(FIELD_TYPES).map(([className, type]) => [className, class extends Field {
    constructor(data: Record<string, unknown> = {}) {
      super({ ...data, type })
    }
  }]),
) as Record<keyof typeof FIELD_TYPES, typeof Field>

/** A collection's fields, in order, with PocketBase's lookup and edit methods. */
export class FieldsList extends Array<Field> {
  constructor(fields: unknown[] = []) {
    super()
    for (const field of fields) this.push(field instanceof Field ? field : new Field(field as Record<string, unknown>))
  }

  static override get [Symbol.species]() {
    return Array
  }

  getById(id: string): Field | null {
    return this.find((f) => f.id === id) ?? null
  }

  getByName(name: string): Field | null {
    return this.find((f) => f.name === name) ?? null
  }

  fieldNames(): string[] {
    return this.map((f) => String(f.name))
  }

  /** Adds fields at the end; one with the id or name of an existing field replaces it in place. */
  add(...fields: Field[]): void {
    for (const field of fields) this.addAt(this.length, field)
  }

  /** Inserts at `position`; a field with an existing id (or, without id, name) replaces that one in place. */
  addAt(position: number, ...fields: Field[]): void {
    let at = position
    for (const raw of fields) {
      const field = raw instanceof Field ? raw : new Field(raw as Record<string, unknown>)
      const existing = this.findIndex((f) => (field.id ? f.id === field.id : f.name === field.name))
      if (existing !== -1) {
        this[existing] = field
        continue
      }
      this.splice(Math.min(at, this.length), 0, field)
      at++
    }
  }

  removeById(id: string): void {
    const at = this.findIndex((f) => f.id === id)
    if (at !== -1) this.splice(at, 1)
  }

  removeByName(name: string): void {
    const at = this.findIndex((f) => f.name === name)
    if (at !== -1) this.splice(at, 1)
  }

  asMap(): Record<string, Field> {
    return Object.fromEntries(this.map((f) => [String(f.name), f]))
  }

  toJSON(): Field[] {
    return [...this]
  }
}

/** A collection definition in PocketBase's JSON shape. */
export class Collection {
  [key: string]: unknown
  fields: FieldsList = new FieldsList()
  indexes: string[] = []

  constructor(data: Record<string, unknown> = {}) {
    unmarshal({ type: "base", ...data }, this)
  }

  /** The model of a stored collection. */
  static fromStored(stored: StoredCollection): Collection {
    return new Collection(collectionJSON(stored))
  }

  isAuth(): boolean {
    return this.type === "auth"
  }

  isBase(): boolean {
    return this.type === "base"
  }

  isView(): boolean {
    return this.type === "view"
  }

  tableName(): string {
    return String(this.name)
  }

  /** Adds (or replaces, by name) an index over `columns` (comma separated). */
  addIndex(name: string, unique: boolean, columns: string, where = ""): void {
    this.removeIndex(name)
    const tail = where ? ` WHERE ${where}` : ""
    this.indexes.push(`CREATE ${unique ? "UNIQUE " : ""}INDEX \`${name}\` ON \`${String(this.name)}\` (${columns})${tail}`)
  }

  removeIndex(name: string): void {
    const pattern = new RegExp(`INDEX\\s+(IF NOT EXISTS\\s+)?[\`"']?${name.replace(/\W/g, "\\$&")}[\`"']?\\s`, "i")
    this.indexes = this.indexes.filter((index) => !pattern.test(index))
  }

  toJSON(): Record<string, unknown> {
    return { ...this, fields: this.fields.toJSON() }
  }
}

/** A free-form object for `e.bindBody` and `$app.db()` results: starts with the given keys. */
export class DynamicModel {
  [key: string]: unknown
  constructor(shape: Record<string, unknown> = {}) {
    Object.assign(this, shape)
  }
}

/** Reads a collection's stored definition for records: supplied by the app binding. */
export type StoredCollectionLookup = (idOrName: string) => StoredCollection

/** The `Record` class of one app: bound to its collections. */
export type RecordClass = ReturnType<typeof recordClass>

/** Builds the `Record` model class over an app's collections. */
export function recordClass(lookup: StoredCollectionLookup) {
  return class JsRecord {
    /** The stored definition this record belongs to. */
    readonly collectionModel: StoredCollection
    /** The field values, as the store reads and writes them. */
    data: RecordData
    /** The values as last loaded from the database (null: never saved). */
    originalData: RecordData | null = null

    constructor(collection: Collection | StoredCollection | string, data: Record<string, unknown> = {}) {
      this.collectionModel = lookup(typeof collection === "string" ? collection : String(collection.id))
      this.data = {}
      this.load(data)
    }

    get id(): string {
      return String(this.data.id ?? "")
    }

    set id(value: string) {
      this.data.id = value
    }

    collection(): Collection {
      return Collection.fromStored(this.collectionModel)
    }

    tableName(): string {
      return this.collectionModel.name
    }

    isNew(): boolean {
      return this.originalData === null
    }

    get(key: string): unknown {
      const value = this.data[key]
      return value instanceof PasswordValue ? value.hash : value
    }

    set(key: string, value: unknown): void {
      if (key === "password" && this.collectionModel.type === "auth") return this.setPassword(String(value))
      this.data[key] = value
    }

    load(values: Record<string, unknown>): void {
      for (const [key, value] of Object.entries(values ?? {})) this.set(key, value)
    }

    getString(key: string): string {
      const value = this.get(key)
      return value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value)
    }

    getInt(key: string): number {
      return Math.trunc(Number(this.get(key)) || 0)
    }

    getFloat(key: string): number {
      return Number(this.get(key)) || 0
    }

    getBool(key: string): boolean {
      const value = this.get(key)
      return value === true || value === "true" || value === 1
    }

    getStringSlice(key: string): string[] {
      const value = this.get(key)
      if (Array.isArray(value)) return value.map(String)
      return value === null || value === undefined || value === "" ? [] : [String(value)]
    }

    getDateTime(key: string): string {
      return this.getString(key)
    }

    email(): string {
      return this.getString("email")
    }

    setEmail(email: string): void {
      this.data.email = email
    }

    verified(): boolean {
      return this.getBool("verified")
    }

    setVerified(verified: boolean): void {
      this.data.verified = verified
    }

    emailVisibility(): boolean {
      return this.getBool("emailVisibility")
    }

    setEmailVisibility(visible: boolean): void {
      this.data.emailVisibility = visible
    }

    tokenKey(): string {
      return this.getString("tokenKey")
    }

    /** Hashes the password now (bcrypt, the field's cost), as PocketBase does on `setPassword`. */
    setPassword(password: string): void {
      const field = this.collectionModel.fields.find((f) => f.name === "password")
      this.data.password = new PasswordValue("", hashPasswordSync(password, field?.cost ?? 0))
    }

    validatePassword(password: string): boolean {
      const value = this.data.password
      const hash = value instanceof PasswordValue ? value.hash : typeof value === "string" ? value : ""
      return hash !== "" && Bun.password.verifySync(password, hash)
    }

    original(): JsRecord {
      const copy = new JsRecord(this.collectionModel, {})
      copy.data = { ...(this.originalData ?? this.data) }
      return copy
    }

    clone(): JsRecord {
      const copy = new JsRecord(this.collectionModel, {})
      copy.data = { ...this.data }
      copy.originalData = this.originalData
      return copy
    }

    fresh(): JsRecord {
      return this.clone()
    }

    /** Hidden fields are left out; a record's JSON as the API shows it to its owner. */
    publicExport(): Record<string, unknown> {
      const out: Record<string, unknown> = { collectionId: this.collectionModel.id, collectionName: this.collectionModel.name }
      for (const field of this.collectionModel.fields) {
        if (field.hidden) continue
        const value = this.data[field.name]
        out[field.name] = value instanceof PasswordValue ? "" : value
      }
      return out
    }

    toJSON(): Record<string, unknown> {
      return this.publicExport()
    }

    expandedOne(): null {
      return null
    }

    expandedAll(): never[] {
      return []
    }
  }
}

/** Field errors as PocketBase's `validation.Errors` print: `name: message; other: message.` */
export function describeErrors(errors: ErrorData): string {
  return `${Object.entries(errors).map(([name, error]) => `${name}: ${"message" in error ? String(error.message) : "invalid"}`).join("; ")}.`
}
