/**
 * @module
 * One field of a collection: name, flags, and the options of its type (from `FIELD_TYPES`).
 */
import type { CollectionModel } from "pocketbase"
import { Checkbox, Input, Select } from "../components/form.tsx"
import { FIELD_TYPES, type OptionSpec } from "../field-types.ts"
import type { FieldErrors } from "../api.ts"

type FieldDraft = Record<string, unknown>

interface FieldEditorProps {
  field: FieldDraft
  index: number
  errors: FieldErrors
  collections: CollectionModel[]
  onChange: (field: FieldDraft) => void
  onRemove: () => void
  /** Moves the field one place up (-1) or down (1); `first`/`last` hide the move that cannot happen. */
  onMove: (step: -1 | 1) => void
  first: boolean
  last: boolean
}

const splitList = (value: string) => value.split(",").map((item) => item.trim()).filter(Boolean)

function OptionInput({ spec, field, error, collections, onChange }: { spec: OptionSpec; field: FieldDraft; error?: string; collections: CollectionModel[]; onChange: (value: unknown) => void }) {
  const value = field[spec.key]
  switch (spec.kind) {
    case "bool":
      return <Checkbox label={spec.label} checked={value === true} onValue={onChange} error={error} />
    case "number":
      return <Input label={spec.label} type="number" value={typeof value === "number" ? value : ""} onValue={(v) => onChange(v === "" ? 0 : Number(v))} error={error} hint={spec.hint} />
    case "list":
    case "values":
      return <Input label={spec.label} value={Array.isArray(value) ? value.join(", ") : ""} onValue={(v) => onChange(splitList(v))} error={error} hint={spec.hint} />
    case "collection":
      return (
        <Select label={spec.label} value={String(value ?? "")} error={error} onValue={onChange}
          options={[["", "Choose…"], ...collections.map((c): [string, string] => [c.id, c.name])]} />
      )
    case "text":
      return <Input label={spec.label} value={String(value ?? "")} onValue={onChange} error={error} hint={spec.hint} />
  }
}

/** Edits one field in place; errors are keyed `fields.<index>.<option>`. */
export function FieldEditor({ field, index, errors, collections, onChange, onRemove, onMove, first, last }: FieldEditorProps) {
  const type = String(field.type)
  const error = (key: string) => errors[`fields.${index}.${key}`]
  const set = (key: string, value: unknown) => onChange({ ...field, [key]: value })
  const system = field.system === true
  const label = String(field.name || index + 1)
  return (
    <fieldset class="field-card">
      <legend><span class={`tag ${type}`}>{type}</span> {String(field.name || "new field")}</legend>
      <div class="grid">
        <Input label="Field name" value={String(field.name ?? "")} onValue={(v) => set("name", v)} error={error("name")} disabled={system} />
        <Checkbox label="Required" checked={field.required === true} onValue={(v) => set("required", v)} error={error("required")} />
        <Checkbox label="Hidden" checked={field.hidden === true} onValue={(v) => set("hidden", v)} error={error("hidden")} />
        <Checkbox label="Presentable" checked={field.presentable === true} onValue={(v) => set("presentable", v)} error={error("presentable")} />
        {(FIELD_TYPES[type] ?? []).map((spec) => (
          <OptionInput key={spec.key} spec={spec} field={field} error={error(spec.key)} collections={collections} onChange={(v) => set(spec.key, v)} />
        ))}
      </div>
      <div class="actions">
        {!first && <button type="button" class="secondary small" onClick={() => onMove(-1)} aria-label={`Move field ${label} up`}>↑ Up</button>}
        {!last && <button type="button" class="secondary small" onClick={() => onMove(1)} aria-label={`Move field ${label} down`}>↓ Down</button>}
        {!system && <button type="button" class="danger small" onClick={onRemove}>Remove field {label}</button>}
      </div>
    </fieldset>
  )
}
