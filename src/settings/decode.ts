/**
 * @module
 * Applies a submitted settings body onto the current settings the way PocketBase decodes it:
 * known keys only (matched case-insensitively, unknown ones ignored), nested objects merged,
 * arrays replaced, `null` resetting a value to its zero, and any type mismatch rejected.
 * Form submissions use dotted keys (`meta.appName`) with text values.
 */
import { blankRateLimitRule, cloneSettings, type Settings } from "./model.ts"

/** The body could not be decoded onto the settings shape (PocketBase's "loading" error). */
export class SettingsDecodeError extends Error {}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Returns `current` with `body` applied; throws `SettingsDecodeError` on a type mismatch. */
export function applySettingsBody(current: Settings, body: Record<string, unknown>, options: { fromForm?: boolean } = {}): Settings {
  const next = cloneSettings(current) as unknown as Record<string, Json>
  const source = options.fromForm ? unflatten(body) : body
  mergeObject(next, source as Record<string, Json>, options.fromForm === true)
  return next as unknown as Settings
}

function mergeObject(target: Record<string, Json>, source: Record<string, Json>, fromForm: boolean): void {
  const seen = new Set<string>()
  for (const [rawKey, value] of Object.entries(source)) {
    const folded = rawKey.toLowerCase()
    if (seen.has(folded)) throw new SettingsDecodeError(`duplicate key ${rawKey}`)
    seen.add(folded)
    const key = Object.keys(target).find((k) => k.toLowerCase() === folded)
    if (key === undefined) continue
    target[key] = decodeValue(target[key]!, value, key, fromForm)
  }
}

// `shape` is the current value, which tells the expected type (settings have no optional keys).
function decodeValue(shape: Json, value: Json, key: string, fromForm: boolean): Json {
  if (Array.isArray(shape)) {
    if (value === null) return []
    if (!Array.isArray(value)) throw new SettingsDecodeError(`${key}: expected an array`)
    return key === "rules" ? value.map((item) => decodeRule(item, fromForm)) : value.map((item) => decodeScalar("", item, key, fromForm))
  }
  if (shape !== null && typeof shape === "object") {
    const zero = zeroOf(shape) as Record<string, Json>
    if (value === null) return zero
    if (typeof value !== "object" || Array.isArray(value)) throw new SettingsDecodeError(`${key}: expected an object`)
    const merged = { ...shape }
    mergeObject(merged, value, fromForm)
    return merged
  }
  return decodeScalar(shape, value, key, fromForm)
}

function decodeRule(item: Json, fromForm: boolean): Json {
  const rule = blankRateLimitRule() as unknown as Record<string, Json>
  if (item === null) return rule
  if (typeof item !== "object" || Array.isArray(item)) throw new SettingsDecodeError("rules: expected objects")
  mergeObject(rule, item, fromForm)
  return rule
}

function decodeScalar(shape: Json, value: Json, key: string, fromForm: boolean): Json {
  if (value === null) return zeroOf(shape)
  if (fromForm && typeof value === "string" && typeof shape !== "string") return parseFormText(shape, value, key)
  if (typeof shape === "number") {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new SettingsDecodeError(`${key}: expected an integer`)
    return value
  }
  if (typeof value !== typeof shape) throw new SettingsDecodeError(`${key}: expected a ${typeof shape}`)
  return value
}

function parseFormText(shape: Json, text: string, key: string): Json {
  if (typeof shape === "boolean" && (text === "true" || text === "false")) return text === "true"
  if (typeof shape === "number" && /^-?\d+$/.test(text)) return Number(text)
  throw new SettingsDecodeError(`${key}: invalid form value`)
}

function zeroOf(shape: Json): Json {
  if (Array.isArray(shape)) return []
  if (shape === null) return null
  switch (typeof shape) {
    case "string":
      return ""
    case "number":
      return 0
    case "boolean":
      return false
    default:
      return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, zeroOf(v)]))
  }
}

// `meta.appName=X` → { meta: { appName: "X" } }.
function unflatten(form: Record<string, unknown>): Record<string, Json> {
  const root: Record<string, Json> = {}
  for (const [path, value] of Object.entries(form)) {
    const parts = path.split(".")
    let node = root
    for (const part of parts.slice(0, -1)) {
      const child = node[part]
      if (child === undefined || child === null || typeof child !== "object" || Array.isArray(child)) node[part] = {}
      node = node[part] as Record<string, Json>
    }
    node[parts.at(-1)!] = value as Json
  }
  return root
}
