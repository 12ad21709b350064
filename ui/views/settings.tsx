/**
 * @module
 * Application settings: every section `GET /api/settings` returns becomes a form (text,
 * numbers, switches, nested groups; lists as JSON), saved on its own with `PATCH /api/settings`.
 * Secrets never come back from the API, so they get write-only inputs sent only when filled;
 * the mail and S3 sections can test their connection.
 */
import { useEffect, useState } from "preact/hooks"
import { errorMessage, fieldErrors, pb, type FieldErrors } from "../api.ts"
import { ApiState } from "../components/api-state.tsx"
import { Input, Notice, Select } from "../components/form.tsx"
import { ValueInput } from "../components/value-input.tsx"
import { useApi } from "../use-api.ts"

type Settings = Record<string, Record<string, unknown>>
type Outcome = { kind: "ok" | "error"; text: string } | null

/** Write-only fields per section (dotted paths inside it). */
const SECRETS: Record<string, string[]> = { smtp: ["password"], s3: ["secret"], backups: ["s3.secret"] }
const EMAIL_TEMPLATES: Array<[string, string]> = [
  ["verification", "Verification"], ["password-reset", "Password reset"], ["email-change", "Email change"], ["otp", "One-time password"], ["login-alert", "Login alert"],
]

/** A copy of `target` with `value` at dotted `path`. */
function withPath(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split(".")
  const child = (target[head!] ?? {}) as Record<string, unknown>
  return { ...target, [head!]: rest.length === 0 ? value : withPath(child, rest.join("."), value) }
}

async function report(setOutcome: (o: Outcome) => void, action: () => Promise<unknown>, done: string) {
  setOutcome(null)
  try {
    await action()
    setOutcome({ kind: "ok", text: done })
  } catch (error) {
    setOutcome({ kind: "error", text: errorMessage(error) })
  }
}

function MailTest() {
  const [to, setTo] = useState("")
  const [template, setTemplate] = useState("verification")
  const [outcome, setOutcome] = useState<Outcome>(null)
  return (
    <fieldset>
      <legend>Send a test email</legend>
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      <Input label="To" type="email" value={to} onValue={setTo} />
      <Select label="Template" value={template} onValue={setTemplate} options={EMAIL_TEMPLATES} />
      <button type="button" class="secondary" disabled={to === ""}
        onClick={() => void report(setOutcome, () => pb.settings.testEmail("_superusers", to, template), `Sent a test email to ${to}.`)}>Send test email</button>
    </fieldset>
  )
}

function StorageTest({ filesystem }: { filesystem: "storage" | "backups" }) {
  const [outcome, setOutcome] = useState<Outcome>(null)
  return (
    <div>
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      <button type="button" class="secondary" onClick={() => void report(setOutcome, () => pb.settings.testS3(filesystem), "The S3 connection works.")}>
        Test the {filesystem} S3 connection (saved settings)
      </button>
    </div>
  )
}

function SectionForm({ name, initial }: { name: string; initial: Record<string, unknown> }) {
  const [value, setValue] = useState(initial)
  const [secrets, setSecrets] = useState<Record<string, string>>({})
  const [errors, setErrors] = useState<FieldErrors>({})
  const [outcome, setOutcome] = useState<Outcome>(null)
  useEffect(() => setValue(initial), [initial])

  async function save(event: Event) {
    event.preventDefault()
    setErrors({})
    setOutcome(null)
    try {
      const filled = Object.entries(secrets).filter(([, secret]) => secret !== "")
      const section = filled.reduce((acc, [path, secret]) => withPath(acc, path, secret), value)
      const saved = await pb.settings.update({ [name]: section })
      setValue((saved as Settings)[name] ?? value)
      setSecrets({})
      setOutcome({ kind: "ok", text: `Saved ${name}.` })
    } catch (error) {
      setErrors(fieldErrors(error))
      setOutcome({ kind: "error", text: errorMessage(error) })
    }
  }

  return (
    <section class="card" aria-labelledby={`settings-${name}`}>
      <h2 id={`settings-${name}`}>{name}</h2>
      <form onSubmit={save}>
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      {Object.entries(value).map(([key, child]) => (
        <ValueInput key={key} path={`${name}.${key}`} name={key} value={child} errors={errors} onChange={(v) => setValue({ ...value, [key]: v })} />
      ))}
      {(SECRETS[name] ?? []).map((path) => (
        <Input key={path} label={`${name}.${path} (write-only; leave empty to keep the current one)`} type="password" autocomplete="new-password"
          value={secrets[path] ?? ""} onValue={(secret) => setSecrets({ ...secrets, [path]: secret })} error={errors[`${name}.${path}`]} />
      ))}
      <button type="submit">Save {name}</button>
      </form>
      {name === "smtp" && <MailTest />}
      {name === "s3" && <StorageTest filesystem="storage" />}
      {name === "backups" && <StorageTest filesystem="backups" />}
    </section>
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
