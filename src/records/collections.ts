/**
 * @module
 * The collection registry: collections persisted in `_collections`, cached in memory, each
 * backed by a real SQLite table that follows its fields. Creates, updates and deletes run
 * through the collection hooks (the after-success ones once the change committed).
 */
import { ApiError, ValidationError, badRequest, type ErrorData } from "../core/errors.ts"
import type { Collection } from "../core/types.ts"
import { quoteIdent } from "../db/sql.ts"
import type { Store } from "../db/store.ts"
import { CollectionErrorEvent, CollectionEvent, type AppHooks, type SyncHook } from "../hooks/index.ts"
import { runModelHooks } from "./model-hooks.ts"
import { initialCollections } from "./collection-defaults.ts"
import { collectionFromInput } from "./collection-input.ts"
import { validateCollection } from "./collection-validate.ts"
import { alterTableSql, createTableSql, indexName } from "./schema-sql.ts"
import { deriveViewFields } from "./view-fields.ts"

/** Compiles a rule for validation; returns an error text or null. Supplied by the filter layer. */
export type RuleChecker = (collection: Collection, rule: string, all: Collection[]) => string | null

const SCHEMA = `CREATE TABLE IF NOT EXISTS _collections (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  data JSON NOT NULL
)`

/** Owns every collection definition and its table. */
export class CollectionRegistry {
  #store: Store
  #hooks: AppHooks
  #byId = new Map<string, Collection>()
  #checkRule: RuleChecker

  constructor(store: Store, hooks: AppHooks, checkRule: RuleChecker = () => null) {
    this.#store = store
    this.#hooks = hooks
    this.#checkRule = checkRule
  }

  /** Creates the registry table, loads every collection, and seeds a fresh database. */
  init(): void {
    this.#store.exec(SCHEMA)
    this.reload()
    if (this.#byId.size === 0) {
      this.#store.transaction(() => {
        for (const collection of initialCollections()) this.#insert(collection)
      })
    }
  }

  /** Re-reads every definition from the database (another process may have changed them). */
  reload(): void {
    this.#byId.clear()
    for (const row of this.#store.all<{ data: string }>("SELECT data FROM _collections ORDER BY rowid")) {
      const collection = JSON.parse(row.data) as Collection
      this.#byId.set(collection.id, collection)
    }
  }

  /** Every collection, in creation order. */
  all(): Collection[] {
    return [...this.#byId.values()]
  }

  /** Finds a collection by exact id or case-insensitive name. */
  find(idOrName: string): Collection | undefined {
    const byId = this.#byId.get(idOrName)
    if (byId) return byId
    const lower = idOrName.toLowerCase()
    for (const collection of this.#byId.values()) if (collection.name.toLowerCase() === lower) return collection
    return this.#findStored(idOrName)
  }

  // Another process may have created it a moment ago, before its schema notice arrived.
  #findStored(idOrName: string): Collection | undefined {
    if (this.#store.inTransaction) return undefined
    const row = this.#store.get<{ data: string }>("SELECT data FROM _collections WHERE id = ? OR name = ? LIMIT 1", [idOrName, idOrName])
    if (!row) return undefined
    const collection = JSON.parse(row.data) as Collection
    this.#byId.set(collection.id, collection)
    return collection
  }

  /** `find` under the name the filter compiler's `SchemaLookup` expects. */
  findCollection(nameOrId: string): Collection | undefined {
    return this.find(nameOrId)
  }

  /** Like `find`, but a missing collection is a 404. */
  get(idOrName: string): Collection {
    const collection = this.find(idOrName)
    if (!collection) throw new ApiError(404, "The requested resource wasn't found.")
    return collection
  }

  /** Creates a collection from a request body. */
  create(input: unknown): Collection {
    const message = "Failed to create collection."
    const event = new CollectionEvent("create", collectionFromInput(input, null), null)
    const hooks = this.#hooks
    this.#runHooks(event, { main: hooks.onCollectionCreate, execute: hooks.onCollectionCreateExecute, success: hooks.onCollectionAfterCreateSuccess, error: hooks.onCollectionAfterCreateError }, {
      validate: (e) => this.#assertValid(e.collection, null, message),
      write: (e) => void (e.collection = this.#mutate(message, () => this.#insert(e.collection))),
    })
    return event.collection
  }

  /** Applies a request body onto a stored collection. */
  update(idOrName: string, input: unknown): Collection {
    const message = "Failed to update collection."
    const existing = this.get(idOrName)
    const event = new CollectionEvent("update", collectionFromInput(input, existing), existing)
    const hooks = this.#hooks
    this.#runHooks(event, { main: hooks.onCollectionUpdate, execute: hooks.onCollectionUpdateExecute, success: hooks.onCollectionAfterUpdateSuccess, error: hooks.onCollectionAfterUpdateError }, {
      validate: (e) => this.#assertValid(e.collection, existing, message),
      write: (e) => void (e.collection = this.#mutate(message, () => this.#replace(existing, e.collection))),
    })
    return event.collection
  }

  /** Deletes a collection and its table; system and referenced collections are refused. */
  delete(idOrName: string): void {
    const collection = this.get(idOrName)
    if (collection.system) throw badRequest("Failed to delete collection.")
    const referencing = this.all().filter((c) => c.id !== collection.id && c.fields.some((f) => f.type === "relation" && f.collectionId === collection.id))
    if (referencing.length > 0) {
      throw badRequest(`Failed to delete collection probably due to existing reference in ${referencing.map((c) => c.name).join(", ")}.`)
    }
    const hooks = this.#hooks
    const event = new CollectionEvent("delete", collection, collection)
    this.#runHooks(event, { main: hooks.onCollectionDelete, execute: hooks.onCollectionDeleteExecute, success: hooks.onCollectionAfterDeleteSuccess, error: hooks.onCollectionAfterDeleteError }, {
      write: (e) =>
        this.#mutate("Failed to delete collection.", () => {
          this.#store.exec(`DROP ${e.collection.type === "view" ? "VIEW" : "TABLE"} IF EXISTS ${quoteIdent(e.collection.name)}`)
          this.#store.run("DELETE FROM _collections WHERE id = ?", [e.collection.id])
          this.#byId.delete(e.collection.id)
        }),
    })
  }

  #runHooks(
    event: CollectionEvent,
    set: { main: SyncHook<CollectionEvent>; execute: SyncHook<CollectionEvent>; success: SyncHook<CollectionEvent>; error: SyncHook<CollectionErrorEvent> },
    steps: { validate?: (event: CollectionEvent) => void; write: (event: CollectionEvent) => void },
  ): void {
    runModelHooks(this.#store, { ...set, failed: (e, error) => new CollectionErrorEvent(e, error) }, event, steps)
  }

  /** Deletes every record of a collection, keeping its table. */
  truncate(idOrName: string): void {
    const collection = this.get(idOrName)
    if (collection.type === "view") throw badRequest("The view collections don't support truncate.")
    this.#store.transaction(() => this.#store.run(`DELETE FROM ${quoteIdent(collection.name)}`))
  }

  /**
   * Imports a list of collections in one transaction: matched by id, then by name; with
   * `deleteMissing`, non-system collections and fields not listed are dropped.
   */
  import(items: unknown[], deleteMissing: boolean): void {
    try {
      this.#store.transaction(() => {
        const listed = new Set<string>()
        for (const item of items) {
          const raw = (item ?? {}) as Record<string, unknown>
          const existing = (typeof raw.id === "string" && this.#byId.get(raw.id)) || (typeof raw.name === "string" && this.find(raw.name)) || null
          const merged = existing && !deleteMissing && Array.isArray(raw.fields) ? keepUnlistedFields(existing, raw) : raw
          const saved = existing ? this.update(existing.id, merged) : this.create(merged)
          listed.add(saved.id)
        }
        if (deleteMissing) {
          for (const collection of this.all()) if (!listed.has(collection.id) && !collection.system) this.delete(collection.id)
        }
      })
    } catch (error) {
      this.reload()
      const data: ErrorData = error instanceof ApiError ? { collections: { code: "validation_collections_import_failure", message: error.message } } : {}
      throw new ApiError(400, "Failed to import collections.", data, { cause: error })
    }
  }

  // Runs DDL in a transaction; on failure the cache is re-read (the rollback undid the DDL) and
  // SQLite's complaint (a bad index column, a broken view query) becomes a 400.
  #mutate<T>(message: string, work: () => T): T {
    try {
      return this.#store.transaction(work)
    } catch (error) {
      this.reload()
      if (error instanceof ApiError) throw error
      if (error instanceof Error && error.name === "SQLiteError") throw new ApiError(400, message, {}, { cause: error })
      throw error
    }
  }

  #assertValid(candidate: Collection, existing: Collection | null, message: string): void {
    const others = this.all().filter((c) => c.id !== existing?.id)
    const errors = validateCollection(candidate, {
      existing,
      others,
      checkRule: (c, rule) => this.#checkRule(c, rule, [...others, c]),
    })
    if (errors) throw new ApiError(400, message, errors, { cause: new ValidationError(errors) })
  }

  #insert(collection: Collection): Collection {
    if (collection.type === "view") {
      collection.fields = deriveViewFields(this.#store.db, collection.viewQuery ?? "", "Failed to create collection.")
      this.#store.exec(`CREATE VIEW ${quoteIdent(collection.name)} AS ${collection.viewQuery ?? ""}`)
    } else {
      this.#store.exec(createTableSql(collection))
      for (const statement of collection.indexes) this.#store.exec(statement)
    }
    this.#store.run("INSERT INTO _collections (id, name, data) VALUES (?, ?, ?)", [collection.id, collection.name, JSON.stringify(collection)])
    this.#byId.set(collection.id, collection)
    return collection
  }

  #replace(existing: Collection, candidate: Collection): Collection {
    if (candidate.type === "view") {
      candidate.fields = deriveViewFields(this.#store.db, candidate.viewQuery ?? "", "Failed to update collection.")
      this.#store.exec(`DROP VIEW IF EXISTS ${quoteIdent(existing.name)}`)
      this.#store.exec(`CREATE VIEW ${quoteIdent(candidate.name)} AS ${candidate.viewQuery ?? ""}`)
    } else {
      for (const statement of existing.indexes) {
        const name = indexName(statement)
        if (name) this.#store.exec(`DROP INDEX IF EXISTS ${quoteIdent(name)}`)
      }
      for (const step of alterTableSql(existing, candidate)) this.#store.exec(step)
      if (existing.name !== candidate.name) candidate.indexes = candidate.indexes.map((i) => retarget(i, existing.name, candidate.name))
      for (const statement of candidate.indexes) this.#store.exec(statement)
    }
    this.#store.run("UPDATE _collections SET name = ?, data = ? WHERE id = ?", [candidate.name, JSON.stringify(candidate), existing.id])
    this.#byId.set(candidate.id, candidate)
    return candidate
  }
}

// An index written for the old table name keeps working after a rename.
function retarget(statement: string, from: string, to: string): string {
  return statement.replace(new RegExp(`\\bON\\s+[\`"]?${from}[\`"]?\\s*\\(`, "i"), `ON \`${to}\` (`)
}

// Without deleteMissing, fields of the stored collection that the import does not list are kept.
function keepUnlistedFields(existing: Collection, raw: Record<string, unknown>): Record<string, unknown> {
  const listed = raw.fields as Array<Record<string, unknown>>
  const ids = new Set(listed.map((f) => f.id))
  const names = new Set(listed.map((f) => f.name))
  const kept = existing.fields.filter((f) => !ids.has(f.id) && !names.has(f.name))
  return { ...raw, fields: [...listed, ...kept] }
}
