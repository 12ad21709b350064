/**
 * @module
 * The records API's logic: list, view, create, update and delete with API rules, validation,
 * expand/fields, and reference handling on delete. Each request runs through its request hook
 * (rules already checked) and each write through the record lifecycle's model hooks. Routes only
 * parse the request and call here; `undefined` from a method means "answer 204".
 */
import type { SQLQueryBindings } from "bun:sqlite"
import { ApiError, badRequest, fieldError, forbidden, notFound, type ErrorData } from "../core/errors.ts"
import { isSuperuser, type Collection, type RecordData, type RequestInfo } from "../core/types.ts"
import type { Store } from "../db/store.ts"
import type { ReadQueries } from "../db/read-pool.ts"
import { quoteIdent } from "../db/sql.ts"
import { PasswordTooLongError } from "../core/passwords.ts"
import { isFilterError, SelectBuilder } from "../filter/index.ts"
import { isThenable, RecordRequestEvent, RecordsListRequestEvent, type AppHooks, type Hook, type RequestEvent } from "../hooks/index.ts"
import type { RuleEvaluator } from "./access.ts"
import type { CollectionRegistry } from "./collections.ts"
import { RecordRenderer } from "./expand.ts"
import { parseExpand } from "./expand-paths.ts"
import { PasswordValue, relationIds, errMissingRelRecords } from "./fields/index.ts"
import { listEnvelope, type ListParams } from "./list-params.ts"
import { FieldsParamError, pickResponse } from "./pick-fields.ts"
import { authFormText, buildRecord, checkAuthForm, passwordWork, validateRecord, type FormActor, type PasswordWork } from "./record-form.ts"
import type { RecordRepository } from "./repository.ts"
import type { RecordLifecycle } from "./record-lifecycle.ts"
import type { RecordFiles, UploadedFiles, Uploads } from "./record-files.ts"

/** Options every read/write response honours. */
export interface ResponseOptions {
  expand?: string
  fields?: string
}

interface Deps {
  store: Store
  collections: CollectionRegistry
  records: RecordRepository
  rules: RuleEvaluator
  /** Where list queries run (reader threads, or the main connection). */
  reads: ReadQueries
  files: RecordFiles
  hooks: AppHooks
  lifecycle: RecordLifecycle
}

const onlySuperusers = () => forbidden("Only superusers can perform this action.")

/** Records CRUD for one app. */
export class RecordService {
  #deps: Deps
  readonly renderer: RecordRenderer

  constructor(deps: Deps) {
    this.#deps = deps
    this.renderer = new RecordRenderer(deps)
  }

  /** GET …/records */
  async list(idOrName: string, params: ListParams, options: ResponseOptions, request: RequestInfo): Promise<unknown> {
    const collection = this.#collection(idOrName, "Missing collection context.")
    const superuser = isSuperuser(request.auth)
    if (!superuser && collection.listRule === null) throw onlySuperusers()
    if (!superuser) {
      const both = params.filter + params.sort
      if (both.includes("@collection.")) throw forbidden("Only superusers can filter by @collection.")
      if (both.includes("@request.")) throw forbidden("Only superusers can filter by @request.")
    }
    let query: SelectBuilder
    try {
      query = new SelectBuilder({ collection, schema: this.#deps.collections, request })
      if (!superuser) query.where(collection.listRule ?? "")
      query.where(params.filter, { restricted: !superuser, clientFilter: true })
      query.sort(params.sort, { restricted: !superuser })
    } catch (error) {
      throw asBadRequest(error)
    }
    // Past any table's size the page is just empty; the clamp keeps the offset a safe integer.
    const offset = Math.min((params.page - 1) * params.perPage, Number.MAX_SAFE_INTEGER)
    const page = query.build({ limit: params.perPage, offset })
    const count = params.skipTotal ? null : query.build({ countOnly: true })
    // The page and its count run side by side (on two reader threads when there are). A query
    // SQLite refuses while running (a malformed JSON path in the filter) is a 400, as in PocketBase.
    const [rows, counted] = await Promise.all([
      this.#deps.reads.all(page.sql, page.params as Record<string, SQLQueryBindings>),
      count ? this.#deps.reads.all(count.sql, count.params as Record<string, SQLQueryBindings>) : null,
    ]).catch((error: unknown) => {
      throw new ApiError(400, BAD_QUERY_MESSAGE, {}, { cause: error })
    })
    const records = rows.map((row) => this.#deps.records.decode(collection, row))
    const total = counted ? Number((counted[0] as { total?: number } | undefined)?.total ?? 0) : null
    const { items: _, ...pageInfo } = listEnvelope(params, [], total)
    const event = new RecordsListRequestEvent(request, collection, records, pageInfo)
    return answer(this.#deps.hooks.onRecordsListRequest, event, (e) => {
      const items = this.#render(e.collection, e.records, request, options)
      e.response = this.#pick({ items, ...e.page }, options)
    })
  }

  /** GET …/records/:id */
  view(idOrName: string, id: string, options: ResponseOptions, request: RequestInfo): Promise<unknown> | unknown {
    const collection = this.#collection(idOrName, "Missing collection context.")
    if (!isSuperuser(request.auth) && collection.viewRule === null) throw onlySuperusers()
    const record = this.#deps.records.findById(collection, id)
    if (!record || !this.#deps.rules.allows(collection, collection.viewRule, id, request)) throw notFound()
    const event = new RecordRequestEvent(request, collection, record)
    return answer(this.#deps.hooks.onRecordViewRequest, event, (e) => {
      e.response = this.#pick(this.#render(e.collection, [e.record], request, options)[0], options)
    })
  }

  /** POST …/records; `files` are the multipart body's file parts by part name. */
  async create(idOrName: string, body: Record<string, unknown>, options: ResponseOptions, request: RequestInfo, files: UploadedFiles = {}): Promise<unknown> {
    const collection = this.#writable(idOrName, "Missing or invalid collection context.")
    const superuser = isSuperuser(request.auth)
    if (!superuser && collection.createRule === null) throw onlySuperusers()
    const actor: FormActor = { superuser, manager: superuser }
    const prepared = await this.#deps.files.prepare(collection, body, files)
    const input = authFormText(collection, prepared.body)
    const uploads = prepared.uploads
    const work = await this.#passwordWork(collection, null, input, "Failed to create record.")
    const built = buildRecord(collection, null, input, actor)
    const recordId = String(built.record.id)
    return this.#withUploads(collection, recordId, uploads, "Failed to create record.", () =>
      // Nothing inside awaits (request hooks aside): the checks and the write see one state of the
      // database, in this turn's shared transaction.
      this.#deps.store.grouped(() => {
        const ruleRequest = { ...request, body: built.requestBody }
        if (!superuser) {
          if (!this.#deps.rules.allowsVirtual(collection, collection.createRule!, built.record, ruleRequest)) {
            throw badRequest("Failed to create record.")
          }
          const manageRule = collection.manageRule as string | null | undefined
          if (collection.type === "auth" && request.auth && typeof manageRule === "string") {
            actor.manager = this.#deps.rules.allowsVirtual(collection, manageRule, built.record, ruleRequest)
          }
        }
        const event = new RecordRequestEvent(ruleRequest, collection, built.record)
        return answer(this.#deps.hooks.onRecordCreateRequest, event, (e) => {
          const message = "Failed to create record."
          const saved = this.#save(message, collection, () =>
            this.#withFiles(collection, recordId, null, uploads, () =>
              this.#deps.lifecycle.create(e.collection, e.record, (ev) => this.#validate(ev.collection, null, { ...built, record: ev.record }, input, actor, message, uploads, work))))
          e.response = this.#respond(collection, saved, request, options, actor.manager)
        })
      }),
    )
  }

  /** PATCH …/records/:id; `files` as for {@link create}. */
  async update(idOrName: string, id: string, body: Record<string, unknown>, options: ResponseOptions, request: RequestInfo, files: UploadedFiles = {}): Promise<unknown> {
    const collection = this.#writable(idOrName, "Missing or invalid collection context.")
    const superuser = isSuperuser(request.auth)
    if (!superuser && collection.updateRule === null) throw onlySuperusers()
    const existing = this.#deps.records.findById(collection, id)
    if (!existing) throw notFound()
    const actor: FormActor = { superuser, manager: superuser }
    const prepared = await this.#deps.files.prepare(collection, body, files)
    const input = authFormText(collection, prepared.body)
    const uploads = prepared.uploads
    const work = await this.#passwordWork(collection, existing, input, "Failed to update record.")
    return this.#withUploads(collection, id, uploads, "Failed to update record.", () =>
      // Nothing inside awaits (request hooks aside): the row read here is the one the rules check
      // and the write replaces, so a concurrent update cannot be silently undone.
      this.#deps.store.grouped(() => {
        const stored = this.#deps.records.findById(collection, id)
        if (!stored) throw notFound()
        const built = buildRecord(collection, stored, input, actor)
        const ruleRequest = { ...request, body: built.requestBody }
        if (!superuser) {
          if (!this.#deps.rules.allows(collection, collection.updateRule, id, ruleRequest)) throw notFound()
          const manageRule = collection.manageRule as string | null | undefined
          if (collection.type === "auth" && request.auth && typeof manageRule === "string") {
            actor.manager = this.#deps.rules.allows(collection, manageRule, id, ruleRequest)
          }
        }
        const event = new RecordRequestEvent(ruleRequest, collection, built.record)
        return answer(this.#deps.hooks.onRecordUpdateRequest, event, (e) => {
          const message = "Failed to update record."
          const saved = this.#save(message, collection, () =>
            this.#withFiles(collection, id, stored, uploads, () =>
              this.#deps.lifecycle.update(e.collection, e.record, stored, (ev) => this.#validate(ev.collection, stored, { ...built, record: ev.record }, input, actor, message, uploads, work))))
          e.response = this.#respond(collection, saved, request, options, actor.manager)
        })
      }),
    )
  }

  /** DELETE …/records/:id; resolves once the deleted records' files are gone. */
  async delete(idOrName: string, id: string, request: RequestInfo): Promise<unknown> {
    const response = await this.#deps.store.grouped(() => this.#delete(idOrName, id, request))
    await this.#deps.files.settled()
    return response
  }

  #delete(idOrName: string, id: string, request: RequestInfo): unknown {
    const collection = this.#writable(idOrName, "Missing collection context.")
    if (!isSuperuser(request.auth) && collection.deleteRule === null) throw onlySuperusers()
    const stored = this.#deps.records.findById(collection, id)
    if (!stored || !this.#deps.rules.allows(collection, collection.deleteRule, id, request)) throw notFound()
    if (collection.name === "_superusers" && this.#deps.records.count(collection) <= 1) {
      throw badRequest("You can't delete the only existing superuser.")
    }
    const event = new RecordRequestEvent(request, collection, stored)
    return answer(this.#deps.hooks.onRecordDeleteRequest, event, (e) => this.#deps.lifecycle.delete(e.collection, e.record))
  }

  #collection(idOrName: string, missing: string): Collection {
    const collection = this.#deps.collections.find(idOrName)
    if (!collection) throw notFound(missing)
    return collection
  }

  #writable(idOrName: string, missing: string): Collection {
    const collection = this.#collection(idOrName, missing)
    if (collection.type === "view") throw badRequest("Unsupported collection type.")
    return collection
  }

  // bcrypt runs here, before the synchronous part; a password past 72 bytes is a field error.
  async #passwordWork(collection: Collection, stored: RecordData | null, body: Record<string, unknown>, message: string): Promise<PasswordWork> {
    try {
      return await passwordWork(collection, stored, body)
    } catch (error) {
      if (!(error instanceof PasswordTooLongError)) throw error
      throw badRequest(message, { password: fieldError("validation_max_text_constraint", "The password is longer than bcrypt's 72 bytes.") })
    }
  }

  #validate(collection: Collection, stored: RecordData | null, built: ReturnType<typeof buildRecord>, body: Record<string, unknown>, actor: FormActor, message: string, uploads: Uploads, work: PasswordWork): void {
    const formErrors = checkAuthForm(collection, stored, built, body, actor, work)
    if (formErrors) throw badRequest(message, formErrors)
    const errors: ErrorData = validateRecord(collection, stored, built.record) ?? {}
    this.#deps.files.validate(collection, stored, built.record, uploads, errors)
    for (const field of collection.fields) {
      if (field.type !== "relation" || errors[field.name]) continue
      const ids = relationIds(built.record[field.name])
      const target = this.#deps.collections.find(field.collectionId ?? "")
      if (ids.length > 0 && (!target || this.#countExisting(target, ids) !== ids.length)) errors[field.name] = errMissingRelRecords()
    }
    // Only a client-chosen id can clash in practice; a generated one is still caught by the primary key.
    const chosenId = stored === null && typeof body.id === "string" && body.id !== ""
    if (chosenId && !errors.id && this.#idTaken(collection, String(built.record.id))) {
      errors.id = fieldError(collection.type === "auth" ? "validation_invalid_auth_id" : "validation_not_unique", collection.type === "auth" ? "Invalid or already existing auth record id." : "Value must be unique.")
    }
    if (Object.keys(errors).length > 0) throw badRequest(message, errors)
    if (built.newPassword !== null && work.newHash !== null) built.record.password = new PasswordValue("", work.newHash)
  }

  #countExisting(collection: Collection, ids: string[]): number {
    const sql = `SELECT COUNT(*) AS n FROM ${quoteIdent(collection.name)} WHERE id IN (SELECT value FROM json_each(?))`
    return this.#deps.store.get<{ n: number }>(sql, [JSON.stringify([...new Set(ids)])])?.n ?? 0
  }

  // Auth record ids must be unique across every auth collection.
  #idTaken(collection: Collection, id: string): boolean {
    const scope = collection.type === "auth" ? this.#deps.collections.all().filter((c) => c.type === "auth") : [collection]
    return scope.some((c) => this.#deps.records.findById(c, id) !== null)
  }

  // Uploads are in storage before the checks and the write (neither awaits); they leave it again
  // when either fails. The answer waits for the clean-up the write started.
  async #withUploads(collection: Collection, recordId: string, uploads: Uploads, failure: string, work: () => unknown): Promise<unknown> {
    await this.#deps.files.upload(collection, recordId, uploads, failure)
    try {
      return await work()
    } catch (error) {
      await this.#deps.files.discard(collection, recordId, uploads)
      throw error
    } finally {
      await this.#deps.files.settled()
    }
  }

  // Dropped files and unused uploads go once the write commits (a batch commits later); a rollback
  // takes the uploads away again.
  #withFiles(collection: Collection, recordId: string, previous: RecordData | null, uploads: Uploads, write: () => RecordData): RecordData {
    return this.#deps.store.transaction(() => {
      const saved = write()
      this.#deps.files.afterWrite(collection, recordId, saved, previous, uploads)
      return saved
    })
  }

  // SQLite enforces unique indexes; its error is turned into PocketBase's field error.
  #save(message: string, collection: Collection, write: () => RecordData): RecordData {
    try {
      return write()
    } catch (error) {
      const unique = error instanceof Error ? /UNIQUE constraint failed: ([^\s]+)/.exec(error.message) : null
      if (!unique) throw error
      const data: ErrorData = {}
      for (const column of unique[1]!.split(",")) {
        const name = column.trim().split(".").pop()!
        data[collection.fields.some((f) => f.name === name) ? name : "id"] = fieldError("validation_not_unique", "Value must be unique.")
      }
      throw new ApiError(400, message, data, { cause: error })
    }
  }

  #respond(collection: Collection, record: RecordData, request: RequestInfo, options: ResponseOptions, manager: boolean): unknown {
    return this.#pick(this.#render(collection, [record], request, options, manager)[0], options)
  }

  #render(collection: Collection, records: RecordData[], request: RequestInfo, options: ResponseOptions, forceEmail = false) {
    return this.renderer.render(collection, records, request, options.expand ? parseExpand(options.expand) : null, forceEmail)
  }

  #pick(body: unknown, options: ResponseOptions): unknown {
    try {
      return pickResponse(body, options.fields)
    } catch (error) {
      if (error instanceof FieldsParamError) throw new ApiError(400, error.message, {}, { cause: error })
      throw error
    }
  }
}

/**
 * Runs a request hook around `action` and returns the event's response. Awaits only when a
 * handler went async, so without such handlers the checks and the write share one tick.
 */
function answer<E extends RequestEvent>(hook: Hook<E>, event: E, action: (event: E) => void): unknown {
  const done = hook.trigger(event, action)
  return isThenable(done) ? Promise.resolve(done).then(() => event.response) : event.response
}

const BAD_QUERY_MESSAGE = "Something went wrong while processing your request."

/** Filter/sort problems become PocketBase's generic 400; the cause keeps what is wrong and where. */
function asBadRequest(error: unknown): unknown {
  if (isFilterError(error)) return new ApiError(400, BAD_QUERY_MESSAGE, {}, { cause: error })
  return error
}
