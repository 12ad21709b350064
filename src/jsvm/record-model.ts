/**
 * @module
 * PocketBase's `Record` model for JavaScript: a record's values (the object the store reads and
 * writes, so changes reach a write in progress) with PocketBase's getters and setters.
 */
import type { Collection as StoredCollection, RecordData } from "../core/types.ts"
import { hashPasswordSync } from "../core/passwords.ts"
import { PasswordValue } from "../records/fields/index.ts"
import { Collection } from "./models.ts"

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
