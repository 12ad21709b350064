/**
 * @module
 * Application settings: every section `GET /api/settings` returns becomes a form (text,
 * numbers, switches, nested groups; lists as JSON), saved on its own with `PATCH /api/settings`.
 */
import { useEffect, useState } from "preact/hooks"
import { errorMessage, fieldErrors, pb, type FieldErrors } from "../api.ts"
import { ApiState } from "../components/api-state.tsx"
import { Notice } from "../components/form.tsx"
import { ValueInput } from "../components/value-input.tsx"
import { useApi } from "../use-api.ts"

type Settings = Record<string, Record<string, unknown>>

function SectionForm({ name, initial }: { name: string; initial: Record<string, unknown> }) {
  const [value, setValue] = useState(initial)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [outcome, setOutcome] = useState<{ kind: "ok" | "error"; text: string } | null>(null)
  useEffect(() => setValue(initial), [initial])

  async function save(event: Event) {
    event.preventDefault()
    setErrors({})
    setOutcome(null)
    try {
      const saved = await pb.settings.update({ [name]: value })
      setValue((saved as Settings)[name] ?? value)
      setOutcome({ kind: "ok", text: `Saved ${name}.` })
    } catch (error) {
      setErrors(fieldErrors(error))
      setOutcome({ kind: "error", text: errorMessage(error) })
    }
  }

  return (
    <form class="card" onSubmit={save} aria-labelledby={`settings-${name}`}>
      <h2 id={`settings-${name}`}>{name}</h2>
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      {Object.entries(value).map(([key, child]) => (
        <ValueInput key={key} path={`${name}.${key}`} name={key} value={child} errors={errors} onChange={(v) => setValue({ ...value, [key]: v })} />
      ))}
      <button type="submit">Save {name}</button>
    </form>
  )
}

export function SettingsView() {
  const loaded = useApi(() => pb.settings.getAll() as Promise<Settings>, [])
  return (
    <section aria-labelledby="settings-title">
      <header class="page-head"><h1 id="settings-title">Settings</h1></header>
      <ApiState loaded={loaded} what="settings">
        {(settings) => (
          <div class="stack">
            {Object.entries(settings).filter(([, v]) => v && typeof v === "object" && !Array.isArray(v)).map(([name, section]) => (
              <SectionForm key={name} name={name} initial={section} />
            ))}
          </div>
        )}
      </ApiState>
    </section>
  )
}
