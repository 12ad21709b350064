/**
 * @module
 * A collection as the API returns it, with PocketBase's key order: the order of its Go structs
 * for the collection and every auth option, byte order inside each field (PocketBase writes fields
 * as maps). Keys outside those structs are not written, so token secrets and OAuth2 client
 * secrets never leave the server.
 */
import type { Collection } from "../core/types.ts"

/** Which keys to write, in order: `true` copies the value, a nested shape orders an object, `[shape]` each object of an array. */
type Shape = { readonly [key: string]: true | typeof SORTED_KEYS | Shape | readonly [Shape] }

/** Marks an array of objects whose keys are written in byte order. */
const SORTED_KEYS = "sorted-keys"

const TEMPLATE: Shape = { subject: true, body: true }
const TOKEN: Shape = { duration: true }
const OAUTH2_PROVIDER: Shape = {
  pkce: true, name: true, clientId: true, authURL: true, tokenURL: true, userInfoURL: true, displayName: true, extra: true,
}

const BASE: Shape = {
  id: true, listRule: true, viewRule: true, createRule: true, updateRule: true, deleteRule: true,
  name: true, type: true, fields: SORTED_KEYS, indexes: true, created: true, updated: true, system: true,
}

const AUTH: Shape = {
  ...BASE,
  authRule: true,
  manageRule: true,
  authAlert: { enabled: true, emailTemplate: TEMPLATE },
  oauth2: { providers: [OAUTH2_PROVIDER], mappedFields: { id: true, name: true, username: true, avatarURL: true }, enabled: true },
  passwordAuth: { enabled: true, identityFields: true },
  mfa: { enabled: true, duration: true, rule: true },
  otp: { enabled: true, duration: true, length: true, emailTemplate: TEMPLATE },
  authToken: TOKEN,
  passwordResetToken: TOKEN,
  emailChangeToken: TOKEN,
  verificationToken: TOKEN,
  fileToken: TOKEN,
  verificationTemplate: TEMPLATE,
  resetPasswordTemplate: TEMPLATE,
  confirmEmailChangeTemplate: TEMPLATE,
}

const VIEW: Shape = { ...BASE, viewQuery: true }

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

function withSortedKeys(value: unknown): unknown {
  if (!isObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = value[key]
  return out
}

function ordered(value: Record<string, unknown>, shape: Shape): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key in shape) {
    if (!(key in value)) continue
    const spec = shape[key]!
    const item = value[key]
    if (spec === true) out[key] = item
    else if (spec === SORTED_KEYS) out[key] = Array.isArray(item) ? item.map(withSortedKeys) : item
    else if (Array.isArray(spec)) out[key] = Array.isArray(item) ? item.map((entry) => (isObject(entry) ? ordered(entry, spec[0]) : entry)) : []
    else out[key] = isObject(item) ? ordered(item, spec as Shape) : item
  }
  return out
}

/** The collection as the API returns it (secrets left out, keys in PocketBase's order). */
export function collectionJSON(collection: Collection): Record<string, unknown> {
  return ordered(collection, collection.type === "auth" ? AUTH : collection.type === "view" ? VIEW : BASE)
}
