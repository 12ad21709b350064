/**
 * @module
 * An input for any JSON-shaped value, chosen by its current type: switches for booleans,
 * number and text inputs (password inputs for secrets), a fieldset per nested object, and
 * JSON text for lists. Settings sections and auth collection options use it.
 */
import { useState } from "preact/hooks"
import type { FieldErrors } from "../api.ts"
import { Checkbox, Input, TextArea } from "./form.tsx"

const SECRET = /password|secret/i

/** Edits `value` at dotted `path` (errors are looked up by that path). */
export function ValueInput({ path, name, value, errors, onChange }: { path: string; name: string; value: unknown; errors: FieldErrors; onChange: (v: unknown) => void }) {
  const error = errors[path]
  if (typeof value === "boolean") return <Checkbox label={name} checked={value} onValue={onChange} error={error} />
  if (typeof value === "number") return <Input label={name} type="number" value={value} onValue={(v) => onChange(Number(v))} error={error} />
  if (typeof value === "string") return <Input label={name} type={SECRET.test(name) ? "password" : "text"} value={value} onValue={onChange} error={error} autocomplete="off" />
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const group = value as Record<string, unknown>
    return (
      <fieldset>
        <legend>{name}</legend>
        {Object.entries(group).map(([key, child]) => (
          <ValueInput key={key} path={`${path}.${key}`} name={key} value={child} errors={errors} onChange={(v) => onChange({ ...group, [key]: v })} />
        ))}
      </fieldset>
    )
  }
  return <JsonInput name={name} value={value} error={error} onChange={onChange} />
}

function JsonInput({ name, value, error, onChange }: { name: string; value: unknown; error?: string; onChange: (v: unknown) => void }) {
  const [text, setText] = useState(JSON.stringify(value, null, 2))
  const [invalid, setInvalid] = useState("")
  return (
    <TextArea label={`${name} (JSON)`} value={text} mono rows={4} error={invalid || error} onValue={(next) => {
      setText(next)
      try {
        onChange(JSON.parse(next))
        setInvalid("")
      } catch {
        setInvalid("Not valid JSON yet.")
      }
    }} />
  )
}

