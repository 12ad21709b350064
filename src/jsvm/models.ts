/**
 * @module
 * The schema model classes PocketBase's JavaScript API hands to migrations and hooks:
 * `Collection`, `FieldsList`, `Field` and the typed field classes, `DynamicModel`, and `unmarshal`.
 * Collections are kept in PocketBase's JSON shape (what `GET /api/collections` returns), so
 * saving one is the same as a collections API write.
 */
import type { Collection as StoredCollection } from "../core/types.ts"
import { collectionJSON } from "../records/collection-json.ts"

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
