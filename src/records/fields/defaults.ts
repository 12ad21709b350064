/**
 * @module
 * Field JSON in PocketBase's exact shape: default ids and the per-type option keys.
 */

import type { Field, FieldType } from "../../core/types.ts"

/**
 * Default field id: the type followed by the decimal CRC-32 (IEEE) of the name.
 * @example defaultFieldId("text", "id") // "text3208210256" (checked on the reference server)
 */
export const defaultFieldId = (type: string, name: string): string => `${type}${Bun.hash.crc32(name)}`

type Defaults = Record<string, unknown>

const COMMON: Defaults = { hidden: false, presentable: false, system: false }
const WITH_HELP: Defaults = { help: "", required: false }
const DOMAINS: Defaults = { exceptDomains: [], onlyDomains: [] }

/**
 * Option keys and defaults per type, as the reference server (v0.40.6) returns them for a field
 * created with only `name` and `type`. Every type but `autodate` also has `help` and `required`.
 */
export const FIELD_TYPE_DEFAULTS: Readonly<Record<FieldType, Defaults>> = {
  text: { autogeneratePattern: "", max: 0, min: 0, pattern: "", primaryKey: false },
  number: { max: null, min: null, onlyInt: false },
  bool: {},
  email: DOMAINS,
  url: DOMAINS,
  editor: { convertURLs: false, maxSize: 0 },
  date: { max: "", min: "" },
  autodate: { onCreate: false, onUpdate: false },
  select: { maxSelect: 0, values: [] },
  json: { maxSize: 0 },
  relation: { cascadeDelete: false, collectionId: "", maxSelect: 0, minSelect: 0 },
  file: { maxSelect: 0, maxSize: 0, mimeTypes: [], protected: false, thumbs: [] },
  password: { cost: 0, max: 0, min: 0, pattern: "" },
  geoPoint: {},
}

/** The full key set (common + type options) of a field of `type`. */
export function fieldKeys(type: FieldType): string[] {
  const keys = ["id", "name", "type", ...Object.keys(COMMON), ...Object.keys(FIELD_TYPE_DEFAULTS[type] ?? {})]
  if (type !== "autodate") keys.push(...Object.keys(WITH_HELP))
  return keys.sort()
}

const clone = (value: unknown): unknown => (Array.isArray(value) ? [...value] : value)

/**
 * Returns `field` in PocketBase's JSON shape: keys sorted, missing options filled with the type's
 * defaults, `null` list options turned into `[]`, keys the type does not have dropped (e.g. `help`
 * on autodate), and an empty `id` replaced by {@link defaultFieldId}.
 */
export function withFieldDefaults(field: Partial<Field> & { name: string; type: FieldType }): Field {
  const typeDefaults = FIELD_TYPE_DEFAULTS[field.type]
  if (!typeDefaults) throw new TypeError(`unknown field type "${String(field.type)}"`)
  const defaults: Defaults = {
    id: "",
    ...COMMON,
    ...(field.type === "autodate" ? {} : WITH_HELP),
    ...typeDefaults,
  }
  const out: Record<string, unknown> = {}
  for (const key of fieldKeys(field.type)) {
    const given = (field as Record<string, unknown>)[key]
    const fallback = key in defaults ? defaults[key] : undefined
    if (given === undefined || (given === null && Array.isArray(fallback))) out[key] = clone(fallback)
    else out[key] = clone(given)
  }
  out.name = field.name
  out.type = field.type
  if (!out.id) out.id = defaultFieldId(field.type, field.name)
  return out as Field
}
