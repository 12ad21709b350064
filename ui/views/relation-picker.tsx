/**
 * @module
 * Picks related records from the related collection: a search box narrows the choices, and the
 * select allows as many as the field's `maxSelect`.
 */
import { useEffect, useState } from "preact/hooks"
import type { CollectionField, CollectionModel, RecordModel } from "pocketbase"
import { pb } from "../api.ts"
import { Field } from "../components/form.tsx"
import { recordLabel } from "../record-values.ts"

const CHOICES = 50

interface RelationPickerProps {
  field: CollectionField
  value: string | string[]
  error?: string
  onChange: (value: string | string[]) => void
}

export function RelationPicker({ field, value, error, onChange }: RelationPickerProps) {
  const [related, setRelated] = useState<CollectionModel | undefined>()
  const [choices, setChoices] = useState<RecordModel[]>([])
  const [search, setSearch] = useState("")
  const multiple = Number(field.maxSelect ?? 1) > 1
  const selected = Array.isArray(value) ? value : value ? [value] : []

  useEffect(() => {
    pb.collections.getOne(String(field.collectionId)).then(setRelated, () => setRelated(undefined))
  }, [field.collectionId])

  useEffect(() => {
    if (!related) return
    const texts = related.fields.filter((f) => f.presentable || f.type === "text" || f.type === "email").map((f) => f.name)
    const needle = JSON.stringify(search)
    const filter = search === "" ? "" : ["id", ...texts].map((name) => `${name} ~ ${needle}`).join(" || ")
    pb.collection(related.id).getList(1, CHOICES, { filter }).then((r) => setChoices(r.items), () => setChoices([]))
  }, [related, search])

  // Keep selected ids visible even when the search hides them.
  const known = new Set(choices.map((c) => c.id))
  const options = [...selected.filter((id) => !known.has(id)).map((id) => ({ id, label: id })), ...choices.map((r) => ({ id: r.id, label: recordLabel(r, related) }))]

  return (
    <Field label={`${field.name} (from ${related?.name ?? "…"})`} error={error} hint={multiple ? `Up to ${String(field.maxSelect)}; Ctrl/Cmd-click to pick several.` : undefined}>
      {(aria) => (
        <div class="relation">
          <input type="search" aria-label={`Search ${related?.name ?? "related"} records`} placeholder="Search…" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
          <select {...aria} multiple={multiple} size={multiple ? 5 : undefined}
            onChange={(e) => {
              const picked = [...e.currentTarget.selectedOptions].map((o) => o.value).filter(Boolean)
              onChange(multiple ? picked : picked[0] ?? "")
            }}>
            {!multiple && <option value="" selected={selected.length === 0}>None</option>}
            {options.map((o) => <option key={o.id} value={o.id} selected={selected.includes(o.id)}>{o.label}</option>)}
          </select>
        </div>
      )}
    </Field>
  )
}
