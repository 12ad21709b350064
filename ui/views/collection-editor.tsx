/**
 * @module
 * Creates or edits a collection: name and type, fields with their options, indexes, API rules
 * (and the auth-only rules), the view query. The server validates; its errors appear beside
 * the inputs they concern.
 */
import { useEffect, useState } from "preact/hooks"
import type { CollectionModel } from "pocketbase"
import { errorMessage, fieldErrors, pb, type FieldErrors } from "../api.ts"
import { Checkbox, Input, Notice, Select, TextArea } from "../components/form.tsx"
import { ADDABLE_TYPES, newField } from "../field-types.ts"
import { href, navigate } from "../router.ts"
import { FieldEditor } from "./field-editor.tsx"
import { ValueInput } from "../components/value-input.tsx"

type Draft = Record<string, unknown> & { fields: Array<Record<string, unknown>>; indexes: string[] }

const RULES: Array<[string, string]> = [
  ["listRule", "List/Search rule"],
  ["viewRule", "View rule"],
  ["createRule", "Create rule"],
  ["updateRule", "Update rule"],
  ["deleteRule", "Delete rule"],
]
const AUTH_RULES: Array<[string, string]> = [
  ["authRule", "Auth rule"],
  ["manageRule", "Manage rule"],
]

function RuleInput({ name, label, value, error, onChange }: { name: string; label: string; value: unknown; error?: string; onChange: (v: string | null) => void }) {
  const locked = value === null || value === undefined
  return (
    <div class="rule">
      <Input label={label} value={locked ? "" : String(value)} disabled={locked} placeholder={locked ? "Superusers only" : "Empty: everyone"}
        onValue={onChange} error={error} class="mono" name={name} />
      <Checkbox label={`${label}: superusers only`} checked={locked} onValue={(lock) => onChange(lock ? null : "")} />
    </div>
  )
}

// Everything else an auth collection carries (password auth, OAuth2, OTP, MFA, token lifetimes, templates).
const NOT_AUTH_OPTIONS = new Set(["id", "name", "type", "system", "fields", "indexes", "created", "updated", "viewQuery", "authRule", "manageRule", ...RULES.map(([key]) => key)])

async function scaffold(type: string): Promise<Draft> {
  const scaffolds = await pb.send<Record<string, Draft>>("/api/collections/meta/scaffolds", {})
  return { ...(scaffolds[type] ?? scaffolds.base!), name: "" }
}

export function CollectionEditor({ idOrName }: { idOrName?: string }) {
  const [draft, setDraft] = useState<Draft | null>(null)
  const [collections, setCollections] = useState<CollectionModel[]>([])
  const [errors, setErrors] = useState<FieldErrors>({})
  const [failure, setFailure] = useState("")
  const [saved, setSaved] = useState("")
  const [newType, setNewType] = useState("text")
  const isNew = !idOrName

  useEffect(() => {
    const load = idOrName ? pb.collections.getOne(idOrName).then((c) => c as unknown as Draft) : scaffold("base")
    load.then(setDraft, (error) => setFailure(errorMessage(error)))
    pb.collections.getFullList({ sort: "name" }).then(setCollections, () => setCollections([]))
  }, [idOrName])

  if (!draft) return failure ? <Notice kind="error">{failure}</Notice> : <p>Loading…</p>
  const set = (key: string, value: unknown) => setDraft({ ...draft, [key]: value })
  const type = String(draft.type)

  async function changeType(next: string) {
    const base = await scaffold(next)
    setDraft({ ...base, name: draft!.name })
  }

  async function save(event: Event) {
    event.preventDefault()
    setErrors({})
    setFailure("")
    setSaved("")
    try {
      const result = isNew ? await pb.collections.create(draft!) : await pb.collections.update(String(draft!.id), draft!)
      setDraft(result as unknown as Draft)
      setSaved(`Saved ${result.name}.`)
      if (isNew) navigate(`collections/${result.name}/edit`)
    } catch (error) {
      setErrors(fieldErrors(error))
      setFailure(errorMessage(error))
    }
  }

  async function remove() {
    if (!confirm(`Delete the collection "${draft!.name}" and all its records?`)) return
    try {
      await pb.collections.delete(String(draft!.id))
      navigate("collections")
    } catch (error) {
      setFailure(errorMessage(error))
    }
  }

  async function truncate() {
    if (!confirm(`Delete every record of "${draft!.name}"? The collection stays.`)) return
    try {
      await pb.collections.truncate(String(draft!.id))
      setSaved(`Deleted every record of ${String(draft!.name)}.`)
    } catch (error) {
      setFailure(errorMessage(error))
    }
  }

  const updateField = (index: number, field: Record<string, unknown>) => set("fields", draft.fields.map((f, i) => (i === index ? field : f)))
  const removeField = (index: number) => set("fields", draft.fields.filter((_, i) => i !== index))
  const addField = () => set("fields", [...draft.fields, newField(newType, "")])
  const moveField = (index: number, step: -1 | 1) => {
    const fields = [...draft.fields]
    const [moved] = fields.splice(index, 1)
    fields.splice(index + step, 0, moved!)
    set("fields", fields)
  }

  return (
    <form class="editor" onSubmit={save} aria-labelledby="collection-title" noValidate>
      <header class="page-head">
        <h1 id="collection-title">{isNew ? "New collection" : `Edit ${String(draft.name)}`}</h1>
        <div class="actions">
          {!isNew && <a class="button secondary" href={href(`collections/${String(draft.name)}`)}>Records</a>}
          <button type="submit">{isNew ? "Create" : "Save changes"}</button>
        </div>
      </header>
      {failure && <Notice kind="error">{failure}</Notice>}
      {saved && <Notice kind="ok">{saved}</Notice>}
      <div class="grid">
        <Input label="Name" value={String(draft.name ?? "")} onValue={(v) => set("name", v)} error={errors.name} required autofocus={isNew} disabled={draft.system === true} />
        <Select label="Type" value={type} disabled={!isNew} error={errors.type} onValue={(v) => void changeType(v)}
          options={[["base", "Base"], ["auth", "Auth"], ["view", "View"]]} />
      </div>

      {type === "view" ? (
        <TextArea label="View query (SQL SELECT)" value={String(draft.viewQuery ?? "")} onValue={(v) => set("viewQuery", v)} error={errors.viewQuery} rows={6} mono />
      ) : (
        <section aria-labelledby="fields-title">
          <h2 id="fields-title">Fields</h2>
          {errors.fields && <Notice kind="error">{errors.fields}</Notice>}
          {draft.fields.map((field, index) => (
            <FieldEditor key={String(field.id ?? `new-${index}`)} field={field} index={index} errors={errors} collections={collections}
              onChange={(f) => updateField(index, f)} onRemove={() => removeField(index)} onMove={(step) => moveField(index, step)}
              first={index === 0} last={index === draft.fields.length - 1} />
          ))}
          <div class="add-field">
            <Select label="New field type" value={newType} onValue={setNewType} options={ADDABLE_TYPES.map((t): [string, string] => [t, t])} />
            <button type="button" class="secondary" onClick={addField}>Add field</button>
          </div>
        </section>
      )}

      <TextArea label="Indexes (one CREATE INDEX statement per line)" value={draft.indexes.join("\n")} mono rows={3}
        onValue={(v) => set("indexes", v.split("\n").filter((line) => line.trim() !== ""))}
        error={Object.entries(errors).find(([key]) => key.startsWith("indexes"))?.[1]} />

      <section aria-labelledby="rules-title">
        <h2 id="rules-title">API rules</h2>
        <p class="hint">Filter expressions such as <code>@request.auth.id != ""</code>. Empty lets everyone in; "superusers only" locks the action.</p>
        {[...RULES, ...(type === "auth" ? AUTH_RULES : [])].map(([key, label]) => (
          <RuleInput key={key} name={key} label={label} value={draft[key]} error={errors[key]} onChange={(v) => set(key, v)} />
        ))}
      </section>

      {type === "auth" && (
        <details class="auth-options">
          <summary>Auth options</summary>
          {Object.entries(draft).filter(([key, value]) => !NOT_AUTH_OPTIONS.has(key) && value !== null && typeof value === "object").map(([key, value]) => (
            <ValueInput key={key} path={key} name={key} value={value} errors={errors} onChange={(v) => set(key, v)} />
          ))}
        </details>
      )}

      {!isNew && draft.system !== true && (
        <section class="danger-zone" aria-labelledby="danger-title">
          <h2 id="danger-title">Delete</h2>
          <div class="actions">
            {type !== "view" && <button type="button" class="danger" onClick={truncate}>Delete all records</button>}
            <button type="button" class="danger" onClick={remove}>Delete collection</button>
          </div>
        </section>
      )}
    </form>
  )
}
