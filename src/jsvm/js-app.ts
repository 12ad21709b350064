/**
 * @module
 * `$app` (and the `app` a JavaScript migration receives): PocketBase's app methods over our
 * services. Every write goes through the collection registry and the record lifecycle, so hooks,
 * validation and realtime see JavaScript writes like any other.
 */
import type { SQLQueryBindings } from "bun:sqlite"
import { ApiError } from "../core/errors.ts"
import type { Collection as StoredCollection, RecordData } from "../core/types.ts"
import { SelectBuilder } from "../filter/index.ts"
import { buildRecord, validateRecord } from "../records/record-form.ts"
import { hashPasswordSync } from "../core/passwords.ts"
import { PasswordValue } from "../records/fields/index.ts"
import type { Services } from "../services.ts"
import { Collection } from "./models.ts"
import { NoRowsError, RawQuery, selectWhere, type DbxExpression } from "./js-db.ts"
import { recordClass, type RecordClass } from "./record-model.ts"

type JsRecord = InstanceType<RecordClass>

const SERVER_ACTOR = { superuser: true, manager: true }

/** Inlines `{:name}` placeholders as filter literals. */
function bindFilterParams(filter: string, params: Record<string, unknown> = {}): string {
  return filter.replace(/\{:(\w+)\}/g, (whole, name: string) => {
    if (!(name in params)) return whole
    const value = params[name]
    if (value === null || value === undefined) return "null"
    if (typeof value === "number" || typeof value === "boolean") return String(value)
    return JSON.stringify(typeof value === "string" ? value : JSON.stringify(value))
  })
}

type RealtimeClient = NonNullable<ReturnType<Services["realtime"]["hub"]["clientById"]>>

/** One realtime client as `$app.subscriptionsBroker()` shows it. */
interface BrokerClient {
  id(): string
  hasSubscription(topic: string): boolean
  subscriptions(): Record<string, object>
  get(key: string): unknown
  isDiscarded(): boolean
  send(message: { name: unknown; data: unknown }): void
}

/** The settings as `$app.settings()` hands them out: a copy, saved with `$app.save(settings)`. */
export class SettingsModel {
  [section: string]: unknown
}

/** PocketBase's app API over one app's services. */
export class JsApp {
  readonly Record: RecordClass
  readonly #services: Services

  constructor(services: Services) {
    this.#services = services
    this.Record = recordClass((idOrName) => this.#stored(idOrName))
  }

  #stored(idOrName: string): StoredCollection {
    const collection = this.#services.collections.find(idOrName)
    if (!collection) throw new NoRowsError()
    return collection
  }

  #collectionOf(collection: Collection | string): StoredCollection {
    return this.#stored(typeof collection === "string" ? collection : String(collection.id ?? collection.name))
  }

  /** The model of a stored record; its values object is shared, so `set` changes `data` itself. */
  wrap(collection: StoredCollection, data: RecordData, original: RecordData | null = data): JsRecord {
    const record = new this.Record(collection)
    record.data = data
    record.originalData = original && { ...original }
    return record
  }

  findCollectionByNameOrId(idOrName: string): Collection {
    return Collection.fromStored(this.#stored(idOrName))
  }

  findAllCollections(...types: string[]): Collection[] {
    return this.#services.collections.all().filter((c) => types.length === 0 || types.includes(c.type)).map(Collection.fromStored)
  }

  findRecordById(collection: Collection | string, id: string): JsRecord {
    const stored = this.#collectionOf(collection)
    const data = this.#services.records.findById(stored, id)
    if (!data) throw new NoRowsError()
    return this.wrap(stored, data)
  }

  findRecordsByIds(collection: Collection | string, ids: string[]): JsRecord[] {
    const stored = this.#collectionOf(collection)
    return ids.flatMap((id) => {
      const data = this.#services.records.findById(stored, id)
      return data ? [this.wrap(stored, data)] : []
    })
  }

  findFirstRecordByData(collection: Collection | string, key: string, value: unknown): JsRecord {
    const stored = this.#collectionOf(collection)
    const data = this.#services.records.findByField(stored, key, value as SQLQueryBindings)
    if (!data) throw new NoRowsError()
    return this.wrap(stored, data)
  }

  findAuthRecordByEmail(collection: Collection | string, email: string): JsRecord {
    return this.findFirstRecordByData(collection, "email", email)
  }

  findRecordsByFilter(collection: Collection | string, filter: string, sort = "", limit = 0, offset = 0, params?: Record<string, unknown>): JsRecord[] {
    const stored = this.#collectionOf(collection)
    const query = new SelectBuilder({ collection: stored, schema: this.#services.collections })
    query.where(bindFilterParams(filter, params))
    query.sort(sort)
    const built = query.build(limit > 0 ? { limit, offset } : {})
    const rows = this.#services.store.all(built.sql, built.params as Record<string, SQLQueryBindings>)
    return rows.map((row) => this.wrap(stored, this.#services.records.decode(stored, row as Record<string, unknown>)))
  }

  findFirstRecordByFilter(collection: Collection | string, filter: string, params?: Record<string, unknown>): JsRecord {
    const [first] = this.findRecordsByFilter(collection, filter, "", 1, 0, params)
    if (!first) throw new NoRowsError()
    return first
  }

  /** Every record, or those matching all the `$dbx` expressions. */
  findAllRecords(collection: Collection | string, ...expressions: DbxExpression[]): JsRecord[] {
    const stored = this.#collectionOf(collection)
    return selectWhere(this.#services.store, stored.name, expressions).map((row) => this.wrap(stored, this.#services.records.decode(stored, row)))
  }

  countRecords(collection: Collection | string): number {
    return this.#services.records.count(this.#collectionOf(collection))
  }

  /** Saves a collection (created when its id is new) or a record (with field validation). */
  save(model: unknown): void {
    if (model instanceof Collection) return this.#saveCollection(model)
    if (model instanceof SettingsModel) return void this.#services.settings.update({ ...model })
    if (model instanceof this.Record) return this.#saveRecord(model, true)
    throw new TypeError("save() takes a Collection or a Record")
  }

  saveNoValidate(model: unknown): void {
    if (model instanceof this.Record) return this.#saveRecord(model, false)
    return this.save(model)
  }

  delete(model: unknown): void {
    if (model instanceof Collection) return this.#services.collections.delete(String(model.id ?? model.name))
    if (model instanceof this.Record) return this.#services.recordLifecycle.delete(model.collectionModel, model.data)
    throw new TypeError("delete() takes a Collection or a Record")
  }

  #saveCollection(model: Collection): void {
    const json = model.toJSON()
    const existing = typeof json.id === "string" && json.id !== "" ? this.#services.collections.find(json.id) : undefined
    const saved = existing ? this.#services.collections.update(existing.id, json) : this.#services.collections.create(json)
    Object.assign(model, Collection.fromStored(saved))
  }

  #saveRecord(model: JsRecord, validate: boolean): void {
    const { records, recordLifecycle } = this.#services
    const collection = model.collectionModel
    const stored = model.id === "" ? null : records.findById(collection, model.id)
    const input = Object.fromEntries(Object.entries(model.data).filter(([, value]) => !(value instanceof PasswordValue)))
    const built = buildRecord(collection, stored, input, SERVER_ACTOR)
    const password = model.data.password
    if (password instanceof PasswordValue) built.record.password = password.hash ? password : new PasswordValue("", hashPasswordSync(password.plain))
    const check = validate
      ? () => {
          const errors = validateRecord(collection, stored, built.record)
          if (errors) throw new ApiError(400, "An error occurred while validating the submitted data.", errors)
        }
      : undefined
    const saved = stored
      ? recordLifecycle.update(collection, built.record, stored, check)
      : recordLifecycle.create(collection, built.record, check)
    model.data = saved
    model.originalData = { ...saved }
  }

  /** Runs `work` with this app inside one transaction (rolled back when it throws). */
  runInTransaction(work: (app: JsApp) => void): void {
    this.#services.store.transaction(() => work(this))
  }

  importCollections(collections: unknown[], deleteMissing = false): void {
    this.#services.collections.import(collections.map((c) => (c instanceof Collection ? c.toJSON() : c)), deleteMissing)
  }

  db(): { newQuery(sql: string): RawQuery } {
    return { newQuery: (sql) => new RawQuery(this.#services.store, sql) }
  }

  dataDir(): string {
    return this.#services.config.dir
  }

  isDev(): boolean {
    return false
  }

  /** The app logger, called as PocketBase's slog logger: `info(message, "key", value, ...)`. */
  logger(): Record<string, (...args: unknown[]) => unknown> {
    const appLogger = this.#services.logs.logger
    const attrs = (pairs: unknown[]) => {
      const data: Record<string, unknown> = {}
      for (let i = 0; i + 1 < pairs.length; i += 2) data[String(pairs[i])] = pairs[i + 1]
      return data
    }
    const logger: Record<string, (...args: unknown[]) => unknown> = {
      debug: (message, ...pairs) => appLogger.debug(String(message), attrs(pairs)),
      info: (message, ...pairs) => appLogger.info(String(message), attrs(pairs)),
      warn: (message, ...pairs) => appLogger.warn(String(message), attrs(pairs)),
      error: (message, ...pairs) => appLogger.error(String(message), attrs(pairs)),
      with: () => logger,
    }
    return logger
  }

  /** A copy of the current settings to change and `save` (PocketBase's settings model). */
  settings(): SettingsModel {
    return Object.assign(new SettingsModel(), structuredClone(this.#services.settings.get()))
  }

  /**
   * PocketBase's realtime broker, over this process's clients: `clients()` by id, each with
   * `hasSubscription(topic)` and `send(new SubscriptionMessage({ name, data }))`.
   */
  subscriptionsBroker(): { clients(): Record<string, BrokerClient>; clientById(id: string): BrokerClient; totalClients(): number } {
    const hub = this.#services.realtime.hub
    const view = (client: RealtimeClient): BrokerClient => ({
      id: () => client.id,
      hasSubscription: (topic) => client.hasSubscription(topic),
      subscriptions: () => Object.fromEntries(client.topics().map((topic) => [topic, {}])),
      get: (key) => client.get(key),
      isDiscarded: () => client.isDiscarded(),
      send: (message) => client.send({ name: String(message.name), data: typeof message.data === "string" ? message.data : Buffer.from(message.data as number[]).toString("utf8") }),
    })
    return {
      clients: () => Object.fromEntries([...hub.clients()].map(([id, client]) => [id, view(client)])),
      clientById: (id) => {
        const client = hub.clientById(id)
        if (!client) throw new Error("missing client")
        return view(client)
      },
      totalClients: () => hub.clients().size,
    }
  }

  /** Custom realtime messages to every process's subscribers: `$app.realtime().publish(topic, data)` (ours). */
  realtime(): { publish(topic: string, data: unknown): void } {
    return { publish: (topic, data) => this.#services.realtime.publish(topic, data) }
  }
}
