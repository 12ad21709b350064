/**
 * @module
 * Automigrate: each collection change a superuser makes through the collections API is written
 * as a JavaScript migration in PocketBase's format (`created_`, `updated_`, `deleted_` files), so
 * the schema travels with the app's sources and the same files run on PocketBase.
 */
import { basename } from "node:path"
import type { Collection as StoredCollection } from "../core/types.ts"
import type { AppHooks, CollectionChangeRequestEvent } from "../hooks/index.ts"
import { migrationJson, sortedJson, writeMigration } from "./migrations.ts"

type Json = Record<string, unknown>

// OAuth2 providers (and their client secrets) stay out of migrations, as in PocketBase's.
function schemaJson(collection: StoredCollection): Json {
  const json = migrationJson(collection)
  if (json.oauth2 && typeof json.oauth2 === "object") {
    const { providers: _providers, ...oauth2 } = json.oauth2 as Json
    json.oauth2 = oauth2
  }
  return json
}

const createBody = (json: Json) => `  const collection = new Collection(${sortedJson(json, 2)});\n\n  return app.save(collection);`
const deleteBody = (id: string) => `  const collection = app.findCollectionByNameOrId(${JSON.stringify(id)});\n\n  return app.delete(collection);`

// One direction of an update: the changed top-level keys, then removed, added and changed fields.
function updateBody(id: string, from: Json, to: Json): string {
  const lines = [`  const collection = app.findCollectionByNameOrId(${JSON.stringify(id)})`]
  const changed: Json = {}
  for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (key === "fields" || key === "id") continue
    if (JSON.stringify(sortedJson(from[key])) !== JSON.stringify(sortedJson(to[key]))) changed[key] = to[key] ?? null
  }
  if (Object.keys(changed).length > 0) lines.push("", "  // update collection data", `  unmarshal(${sortedJson(changed, 2)}, collection)`)
  const before = from.fields as Json[]
  const after = to.fields as Json[]
  for (const field of before) {
    if (!after.some((f) => f.id === field.id)) lines.push("", "  // remove field", `  collection.fields.removeById(${JSON.stringify(field.id)})`)
  }
  after.forEach((field, index) => {
    const old = before.find((f) => f.id === field.id)
    if (old && sortedJson(old) === sortedJson(field)) return
    lines.push("", old ? "  // update field" : "  // add field", `  collection.fields.addAt(${index}, new Field(${sortedJson(field, 2)}))`)
  })
  lines.push("", "  return app.save(collection)")
  return lines.join("\n")
}

// A name ending in "test" would make a `_test.js` file, which test runners pick up.
const fileSafe = (name: string) => (name.toLowerCase().endsWith("test") ? `${name}_` : name)

/**
 * Writes one migration file per collection change made through the API into `dir`, and reports
 * each file to `written` (which records it as applied: the change it describes is already made).
 */
export function bindAutomigrate(hooks: AppHooks, dir: string, written: (file: string) => void): void {
  const write = (name: string, up: string, down: string) => written(basename(writeMigration(dir, fileSafe(name), up, down)))
  const record = (write: (e: CollectionChangeRequestEvent) => void) => async (e: CollectionChangeRequestEvent) => {
    await e.next()
    write(e)
  }
  hooks.onCollectionCreateRequest.bindFunc(record((e) => {
    if (!e.collection) return
    const json = schemaJson(e.collection)
    write(`created_${e.collection.name}`, createBody(json), deleteBody(e.collection.id))
  }))
  hooks.onCollectionUpdateRequest.bindFunc(record((e) => {
    if (!e.collection || !e.original) return
    const before = schemaJson(e.original)
    const after = schemaJson(e.collection)
    if (sortedJson(before) === sortedJson(after)) return
    write(`updated_${e.original.name}`, updateBody(e.collection.id, before, after), updateBody(e.collection.id, after, before))
  }))
  hooks.onCollectionDeleteRequest.bindFunc(record((e) => {
    const deleted: StoredCollection | null = e.original
    if (!deleted) return
    write(`deleted_${deleted.name}`, deleteBody(deleted.id), createBody(schemaJson(deleted)))
  }))
}
