/**
 * @module
 * Creates, edits and deletes one record: an input per field type, file uploads with previews
 * and removal, related records picked from their collection, JSON and rich text as text. API
 * errors appear under the fields they concern.
 */
import { useEffect, useState } from "preact/hooks"
import type { CollectionField, CollectionModel, RecordModel } from "pocketbase"
import { errorMessage, fieldErrors, pb, type FieldErrors } from "../api.ts"
import { Checkbox, Field, Input, Notice, TextArea } from "../components/form.tsx"
import { draftOf, editableFields, fileUrl, isImage, recordBody, type RecordDraft } from "../record-values.ts"
import { href, navigate } from "../router.ts"
import { RelationPicker } from "./relation-picker.tsx"

interface InputProps {
  field: CollectionField
  record: RecordModel | null
  draft: RecordDraft
  error?: string
  update: (next: Partial<RecordDraft>) => void
}

// A chosen file's preview; its object URL lives as long as the preview does.
function LocalPreview({ file }: { file: File }) {
  const [src, setSrc] = useState("")
  useEffect(() => {
    const url = URL.createObjectURL(file)
    setSrc(url)
    return () => URL.revokeObjectURL(url)
  }, [file])
  return src ? <img src={src} alt={`Preview of ${file.name}`} class="thumb" /> : null
}

function FileInput({ field, record, draft, error, update }: InputProps) {
  const [token, setToken] = useState("")
  useEffect(() => {
    if (field.protected && record) pb.files.getToken().then(setToken, () => setToken(""))
  }, [field.protected, record])
  const stored: string[] = record ? [record[field.name]].flat().filter(Boolean) : []
  const removed = draft.removedFiles[field.name] ?? []
  const toggle = (name: string) => update({
    removedFiles: { ...draft.removedFiles, [field.name]: removed.includes(name) ? removed.filter((n) => n !== name) : [...removed, name] },
  })
  const multiple = Number(field.maxSelect ?? 1) > 1
  return (
    <Field label={field.name} error={error} hint={multiple ? `Up to ${String(field.maxSelect)} files.` : undefined}>
      {(aria) => (
        <div class="file-field">
          {stored.length > 0 && (
            <ul class="stored-files">
              {stored.map((name) => (
                <li key={name} class={removed.includes(name) ? "removed" : undefined}>
                  {isImage(name) && (!field.protected || token) && <img src={fileUrl(record!, name, token)} alt="" class="thumb" />}
                  <a href={fileUrl(record!, name, token)} target="_blank" rel="noreferrer">{name}</a>
                  <button type="button" class="link" onClick={() => toggle(name)}>{removed.includes(name) ? `Keep ${name}` : `Remove ${name}`}</button>
                </li>
              ))}
            </ul>
          )}
          <input {...aria} type="file" multiple={multiple} accept={(field.mimeTypes as string[] | undefined)?.join(",") || undefined}
            onChange={(e) => update({ newFiles: { ...draft.newFiles, [field.name]: [...(e.currentTarget.files ?? [])] } })} />
          <span class="previews">
            {(draft.newFiles[field.name] ?? []).filter((f) => f.type.startsWith("image/")).map((f) => <LocalPreview key={f.name} file={f} />)}
          </span>
        </div>
      )}
    </Field>
  )
}

function FieldInput(props: InputProps) {
  const { field, draft, error, update } = props
  const value = draft.values[field.name]
  const set = (v: unknown) => update({ values: { ...draft.values, [field.name]: v } })
  const label = field.required ? `${field.name} (required)` : field.name
  switch (field.type) {
    case "bool":
      return <Checkbox label={field.name} checked={value === true} onValue={set} error={error} />
    case "number":
      return <Input label={label} type="number" step="any" value={String(value ?? "")} onValue={set} error={error} />
    case "email":
    case "url":
      return <Input label={label} type={field.type} value={String(value ?? "")} onValue={set} error={error} />
    case "date":
      return <Input label={label} value={String(value ?? "")} onValue={set} error={error} hint="YYYY-MM-DD HH:mm:ss.SSSZ" class="mono" />
    case "editor":
      return <TextArea label={label} value={String(value ?? "")} onValue={set} error={error} rows={8} hint="HTML is kept as written." />
    case "json":
    case "geoPoint":
      return <TextArea label={label} value={String(value ?? "")} onValue={set} error={error} rows={5} mono hint={field.type === "geoPoint" ? '{"lon": 0, "lat": 0}' : "Any JSON value."} />
    case "select": {
      const multiple = Number(field.maxSelect ?? 1) > 1
      const selected = [value].flat().map(String)
      return (
        <Field label={label} error={error}>
          {(aria) => (
            <select {...aria} multiple={multiple} onChange={(e) => {
              const picked = [...e.currentTarget.selectedOptions].map((o) => o.value).filter(Boolean)
              set(multiple ? picked : picked[0] ?? "")
            }}>
              {!multiple && <option value="">None</option>}
              {(field.values as string[]).map((v) => <option key={v} value={v} selected={selected.includes(v)}>{v}</option>)}
            </select>
          )}
        </Field>
      )
    }
    case "relation":
      return <RelationPicker field={field} value={value as string | string[]} error={error} onChange={set} />
    case "file":
      return <FileInput {...props} />
    default:
      return <Input label={label} value={String(value ?? "")} onValue={set} error={error} />
  }
}

export function RecordEditor({ collection: idOrName, recordId }: { collection: string; recordId: string | null }) {
  const [collection, setCollection] = useState<CollectionModel | null>(null)
  const [record, setRecord] = useState<RecordModel | null>(null)
  const [draft, setDraft] = useState<RecordDraft | null>(null)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [failure, setFailure] = useState("")
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    void (async () => {
      try {
        const c = await pb.collections.getOne(idOrName)
        const r = recordId ? await pb.collection(c.id).getOne(recordId) : null
        setCollection(c)
        setRecord(r)
        setDraft(draftOf(c, r))
      } catch (error) {
        setFailure(errorMessage(error))
      }
    })()
  }, [idOrName, recordId])

  if (!collection || !draft) return failure ? <Notice kind="error">{failure}</Notice> : <p>Loading…</p>
  const update = (next: Partial<RecordDraft>) => setDraft({ ...draft, ...next })
  const back = `collections/${collection.name}`

  async function save(event: Event) {
    event.preventDefault()
    setBusy(true)
    setErrors({})
    setFailure("")
    try {
      const body = recordBody(collection!, draft!, record === null)
      if (record) await pb.collection(collection!.id).update(record.id, body)
      else await pb.collection(collection!.id).create(body)
      navigate(back)
    } catch (error) {
      setErrors(fieldErrors(error))
      setFailure(errorMessage(error))
    } finally {
      setBusy(false)
    }
  }

  async function remove() {
    if (!record || !confirm(`Delete record ${record.id}?`)) return
    try {
      await pb.collection(collection!.id).delete(record.id)
      navigate(back)
    } catch (error) {
      setFailure(errorMessage(error))
    }
  }

  return (
    <form class="editor" onSubmit={save} aria-labelledby="record-title" noValidate>
      <header class="page-head">
        <h1 id="record-title">{record ? `${collection.name} / ${record.id}` : `New ${collection.name} record`}</h1>
        <div class="actions">
          <a class="button secondary" href={href(back)}>Cancel</a>
          <button type="submit" disabled={busy}>{record ? "Save changes" : "Create"}</button>
        </div>
      </header>
      {failure && <Notice kind="error">{failure}</Notice>}
      {editableFields(collection).map((field) => (
        <FieldInput key={field.name} field={field} record={record} draft={draft} error={errors[field.name]} update={update} />
      ))}
      {collection.type === "auth" && (
        <fieldset>
          <legend>{record ? "Change password (leave empty to keep it)" : "Password"}</legend>
          <Input label="Password" type="password" autocomplete="new-password" value={draft.password} onValue={(password) => update({ password })} error={errors.password} />
          <Input label="Confirm password" type="password" autocomplete="new-password" value={draft.passwordConfirm} onValue={(passwordConfirm) => update({ passwordConfirm })} error={errors.passwordConfirm} />
        </fieldset>
      )}
      {record && (
        <section class="danger-zone" aria-label="Delete record">
          <button type="button" class="danger" onClick={remove}>Delete record</button>
        </section>
      )}
    </form>
  )
}
