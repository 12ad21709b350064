/**
 * @module
 * Multipart and urlencoded request bodies → the same plain object a JSON body gives.
 */

import { formatFloat, parseFloatStrict } from "../../core/numbers.ts"

/** The form part whose JSON object is merged over the other values (the JS SDK's way to send objects). */
export const JSON_PAYLOAD_KEY = "@jsonPayload"

/** Thrown when an `@jsonPayload` part is not a JSON object; the caller answers 400. */
export class FormBodyError extends Error {}

/**
 * Infers a form value's type: `"true"`/`"false"` → boolean; text made only of digits, `-` and `.`
 * that survives a float round trip (`"12"`, `"-1.5"`, `"0.0000001"`) → number; everything else,
 * including `"012"`, `"1.0"`, `"1e3"`, `" 1"` and `""`, stays a string. Checked on the reference server.
 */
export function inferFormValue(text: string): string | number | boolean {
  if (text === "true") return true
  if (text === "false") return false
  if (!/^[-.0-9]+$/.test(text) || !/\d/.test(text)) return text
  const n = parseFloatStrict(text)
  return n !== null && formatFloat(n) === text ? n : text
}

/** A parsed form body: inferred values plus the uploaded files by part name. */
export interface FormBody {
  data: Record<string, unknown>
  files: Record<string, File[]>
}

/**
 * Reads a `FormData` or `URLSearchParams` body: each text part is inferred ({@link inferFormValue}),
 * repeated keys become arrays, and `@jsonPayload` parts (JSON objects) are merged over the result in
 * order, key by key, without inference. File parts are collected apart under their part names.
 */
export function parseFormBody(form: FormData | URLSearchParams): FormBody {
  const data: Record<string, unknown> = {}
  const files: Record<string, File[]> = {}
  const payloads: string[] = []
  for (const [key, value] of form.entries() as Iterable<[string, string | File]>) {
    if (typeof value !== "string") {
      ;(files[key] ??= []).push(value)
      continue
    }
    if (key === JSON_PAYLOAD_KEY) {
      payloads.push(value)
      continue
    }
    const inferred = inferFormValue(value)
    if (!Object.hasOwn(data, key)) data[key] = inferred
    else if (Array.isArray(data[key])) (data[key] as unknown[]).push(inferred)
    else data[key] = [data[key], inferred]
  }
  for (const payload of payloads) Object.assign(data, parseJsonPayload(payload))
  return { data, files }
}

function parseJsonPayload(text: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw new FormBodyError(`invalid ${JSON_PAYLOAD_KEY} part`, { cause })
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new FormBodyError(`${JSON_PAYLOAD_KEY} must be a JSON object`)
  }
  return parsed as Record<string, unknown>
}
