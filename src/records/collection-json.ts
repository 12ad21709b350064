/**
 * @module
 * A collection as the API returns it, with PocketBase's key order: the order of its Go structs
 * for the collection and every auth option, byte order inside each field (PocketBase writes fields
 * as maps). Keys outside those structs are not written, so token secrets and OAuth2 client
 * secrets never leave the server.
 */
import type { Collection } from "../core/types.ts"

/**
 * Which keys to write, in order: `true` copies a value that is there, a {@link Leaf} copies the
 * value or writes its zero value (a Go struct field is always written), a nested shape orders an
 * object, `[shape]` each object of an array.
 */
type Shape = { readonly [key: string]: true | Leaf | typeof SORTED_KEYS | Shape | readonly [Shape] }

/** A struct field: written as stored, or as `zero` when the stored options lack it. */
class Leaf {
  constructor(readonly zero: unknown) {}
}

const TEXT = new Leaf("")
const BOOL = new Leaf(false)
const NUMBER = new Leaf(0)

/** Marks an array of objects whose keys are written in byte order. */
const SORTED_KEYS = "sorted-keys"

const TEMPLATE: Shape = { subject: TEXT, body: TEXT }
const TOKEN: Shape = { duration: NUMBER }
const OAUTH2_PROVIDER: Shape = {
  pkce: new Leaf(null), name: TEXT, clientId: TEXT, authURL: TEXT, tokenURL: TEXT, userInfoURL: TEXT, displayName: TEXT, extra: new Leaf({}),
}

const BASE: Shape = {
  id: true, listRule: true, viewRule: true, createRule: true, updateRule: true, deleteRule: true,
  name: true, type: true, fields: SORTED_KEYS, indexes: true, created: true, updated: true, system: true,
}

const AUTH: Shape = {
  ...BASE,
  authRule: new Leaf(null),
  manageRule: new Leaf(null),
  authAlert: { enabled: BOOL, emailTemplate: TEMPLATE },
  oauth2: { providers: [OAUTH2_PROVIDER], mappedFields: { id: TEXT, name: TEXT, username: TEXT, avatarURL: TEXT }, enabled: BOOL },
  passwordAuth: { enabled: BOOL, identityFields: new Leaf([]) },
  mfa: { enabled: BOOL, duration: NUMBER, rule: TEXT },
  otp: { enabled: BOOL, duration: NUMBER, length: NUMBER, emailTemplate: TEMPLATE },
  authToken: TOKEN,
  passwordResetToken: TOKEN,
  emailChangeToken: TOKEN,
  verificationToken: TOKEN,
  fileToken: TOKEN,
  verificationTemplate: TEMPLATE,
  resetPasswordTemplate: TEMPLATE,
  confirmEmailChangeTemplate: TEMPLATE,
}

const VIEW: Shape = { ...BASE, viewQuery: TEXT }

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
    const spec = shape[key]!
    const present = key in value
    const item = value[key]
    if (spec === true) {
      if (present) out[key] = item
    } else if (spec instanceof Leaf) out[key] = present ? item : spec.zero
    else if (spec === SORTED_KEYS) out[key] = Array.isArray(item) ? item.map(withSortedKeys) : item
    else if (Array.isArray(spec)) out[key] = Array.isArray(item) ? item.map((entry) => (isObject(entry) ? ordered(entry, spec[0]) : entry)) : []
    else out[key] = ordered(isObject(item) ? item : {}, spec as Shape)
  }
  return out
}

/** The collection as the API returns it (secrets left out, keys in PocketBase's order). */
export function collectionJSON(collection: Collection): Record<string, unknown> {
  return ordered(collection, collection.type === "auth" ? AUTH : collection.type === "view" ? VIEW : BASE)
}
