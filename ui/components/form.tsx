/**
 * @module
 * Form building blocks: every input sits inside its `<label>`, and its API error is shown right
 * under it and tied to it with `aria-describedby`.
 */
import type { ComponentChildren, InputHTMLAttributes } from "preact"
import { useId } from "preact/hooks"

interface FieldProps {
  label: string
  error?: string
  hint?: string
  children: (props: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean }) => ComponentChildren
}

/** A labelled control with its hint and inline error. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId()
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined
  return (
    <div class={`field${error ? " has-error" : ""}`}>
      <label for={id}>{label}</label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {hint && !error && <small id={`${id}-hint`} class="hint">{hint}</small>}
      {error && <small id={`${id}-error`} class="error" role="alert">{error}</small>}
    </div>
  )
}

/** The native input attributes the dashboard uses. */
interface InputProps {
  type?: "text" | "email" | "password" | "number" | "url" | "search"
  placeholder?: string
  autocomplete?: string
  required?: boolean
  autofocus?: boolean
  disabled?: boolean
  class?: string
  name?: string
  step?: string
  label: string
  value: string | number
  onValue: (value: string) => void
  error?: string
  hint?: string
}

/** A labelled text-like input (text, email, password, number, url). */
export function Input({ label, value, onValue, error, hint, ...rest }: InputProps) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(aria) => {
        // Preact types `<input>` as a union keyed by `type`, which a spread of a variable type cannot match.
        const attributes = { ...rest, ...aria, value } as InputHTMLAttributes
        return <input {...attributes} onInput={(e) => onValue(e.currentTarget.value)} />
      }}
    </Field>
  )
}

/** A labelled multi-line input. */
export function TextArea(props: { label: string; value: string; onValue: (value: string) => void; error?: string; hint?: string; rows?: number; mono?: boolean }) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint}>
      {(aria) => (
        <textarea {...aria} rows={props.rows ?? 4} class={props.mono ? "mono" : undefined} value={props.value} onInput={(e) => props.onValue(e.currentTarget.value)} />
      )}
    </Field>
  )
}

/** A checkbox with its label beside it. */
export function Checkbox(props: { label: string; checked: boolean; onValue: (checked: boolean) => void; error?: string }) {
  const id = useId()
  return (
    <div class={`field checkbox${props.error ? " has-error" : ""}`}>
      <input id={id} type="checkbox" checked={props.checked} onChange={(e) => props.onValue(e.currentTarget.checked)} />
      <label for={id}>{props.label}</label>
      {props.error && <small class="error" role="alert">{props.error}</small>}
    </div>
  )
}

/** A labelled select over `options` (value → text). */
export function Select(props: { label: string; value: string; options: Array<[string, string]>; onValue: (value: string) => void; error?: string; disabled?: boolean }) {
  return (
    <Field label={props.label} error={props.error}>
      {(aria) => (
        <select {...aria} value={props.value} disabled={props.disabled} onChange={(e) => props.onValue(e.currentTarget.value)}>
          {props.options.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
        </select>
      )}
    </Field>
  )
}

/** A banner for a request's overall outcome; errors are announced to screen readers. */
export function Notice({ kind, children }: { kind: "error" | "ok" | "info"; children: ComponentChildren }) {
  return <div class={`notice ${kind}`} role={kind === "error" ? "alert" : "status"}>{children}</div>
}
