/**
 * @module
 * Default shapes for collections: system fields, auth options, and the collections a fresh
 * data directory starts with (`_superusers`, `users`, and PocketBase's auth helper tables).
 */
import { defaultCollectionId, crc32, newRecordId } from "../core/ids.ts"
import { nowDateTime } from "../core/clock.ts"
import { randomString, TOKEN_SECRET_LENGTH } from "../core/random.ts"
import type { Collection, CollectionType, Field } from "../core/types.ts"

export const SUPERUSERS = "_superusers"
export const SUPERUSERS_ID = "pbc_3142635823"
export const USERS_ID = "_pb_users_auth_"

const fieldId = (type: string, name: string) => `${type}${crc32(name)}`

/** The text primary key every base and auth collection has. */
export function idField(): Field {
  return {
    autogeneratePattern: "[a-z0-9]{15}", help: "", hidden: false, id: fieldId("text", "id"), max: 15, min: 15,
    name: "id", pattern: "^[a-z0-9]+$", presentable: false, primaryKey: true, required: true, system: true, type: "text",
  }
}

/** `created` / `updated` autodate fields, as the admin UI adds them. */
export function autodateFields(system: boolean): Field[] {
  return [
    { hidden: false, id: fieldId("autodate", "created"), name: "created", onCreate: true, onUpdate: false, presentable: false, system, type: "autodate" },
    { hidden: false, id: fieldId("autodate", "updated"), name: "updated", onCreate: true, onUpdate: true, presentable: false, system, type: "autodate" },
  ]
}

/** The system fields of an auth collection, in PocketBase's order. */
export function authSystemFields(): Field[] {
  return [
    { cost: 0, help: "", hidden: true, id: fieldId("password", "password"), max: 0, min: 8, name: "password", pattern: "", presentable: false, required: true, system: true, type: "password" },
    { autogeneratePattern: "[a-zA-Z0-9]{50}", help: "", hidden: true, id: fieldId("text", "tokenKey"), max: 60, min: 30, name: "tokenKey", pattern: "", presentable: false, primaryKey: false, required: true, system: true, type: "text" },
    { exceptDomains: [], help: "", hidden: false, id: fieldId("email", "email"), name: "email", onlyDomains: [], presentable: false, required: true, system: true, type: "email" },
    { help: "", hidden: false, id: fieldId("bool", "emailVisibility"), name: "emailVisibility", presentable: false, required: false, system: true, type: "bool" },
    { help: "", hidden: false, id: fieldId("bool", "verified"), name: "verified", presentable: false, required: false, system: true, type: "bool" },
  ]
}

/** Names of the auth options whose `secret` is kept server-side and never output. */
export const TOKEN_OPTIONS = ["authToken", "passwordResetToken", "emailChangeToken", "verificationToken", "fileToken"] as const

const template = (subject: string, body: string) => ({ subject, body })

/** Auth options for a new auth collection (secrets freshly generated). */
export function defaultAuthOptions(authTokenDuration = 432_000): Record<string, unknown> {
  const token = (duration: number) => ({ duration, secret: randomString(TOKEN_SECRET_LENGTH) })
  return {
    authRule: "",
    manageRule: null,
    authAlert: { enabled: true, emailTemplate: template("New login to your {APP_NAME} account", "<p>A new login to your {APP_NAME} account happened from: {ALERT_INFO}</p>") },
    oauth2: { providers: [], mappedFields: { id: "", name: "", username: "", avatarURL: "" }, enabled: false },
    passwordAuth: { enabled: true, identityFields: ["email"] },
    mfa: { enabled: false, duration: 600, rule: "" },
    otp: { enabled: false, duration: 180, length: 8, emailTemplate: template("Your {APP_NAME} one-time password", "<p>Your one-time password: <strong>{OTP}</strong></p>") },
    authToken: token(authTokenDuration),
    passwordResetToken: token(1800),
    emailChangeToken: token(1800),
    verificationToken: token(86_400),
    fileToken: token(180),
    verificationTemplate: template("Please verify your {APP_NAME} email", "<p><a href=\"{APP_URL}/_/#/auth/confirm-verification/{TOKEN}\">Verify your email</a></p>"),
    resetPasswordTemplate: template("Reset your {APP_NAME} password", "<p><a href=\"{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}\">Choose a new password</a></p>"),
    confirmEmailChangeTemplate: template("Confirm your new {APP_NAME} email", "<p><a href=\"{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}\">Confirm the new address</a></p>"),
  }
}

/** A blank collection of the given type, with its required system fields. */
export function blankCollection(type: CollectionType, name: string): Collection {
  const now = nowDateTime()
  const collection: Collection = {
    id: defaultCollectionId(type, name), name, type, system: false,
    fields: type === "view" ? [] : type === "auth" ? [idField(), ...authSystemFields()] : [idField()],
    indexes: [],
    listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null,
    created: now, updated: now,
  }
  if (type === "view") collection.viewQuery = ""
  if (type === "auth") Object.assign(collection, defaultAuthOptions())
  return collection
}

/**
 * The blank collection `GET /api/collections/meta/scaffolds` shows for `type`: unsaved (no id, no
 * dates), an auth scaffold's indexes named after a throwaway id as PocketBase's are.
 */
export function collectionScaffold(type: CollectionType): Collection {
  const collection = { ...blankCollection(type, ""), id: "", created: "", updated: "" }
  if (type === "auth") collection.indexes = authIndexes({ ...collection, id: newRecordId().slice(0, 10) })
  return collection
}

/** Unique indexes every auth collection keeps on `tokenKey` and `email`. */
export function authIndexes(collection: Collection): string[] {
  return [
    `CREATE UNIQUE INDEX \`idx_tokenKey_${collection.id}\` ON \`${collection.name}\` (\`tokenKey\`)`,
    `CREATE UNIQUE INDEX \`idx_email_${collection.id}\` ON \`${collection.name}\` (\`email\`) WHERE \`email\` != ''`,
  ]
}

const OWNER_RULE = "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId"

function textField(name: string, required: boolean, max = 0): Field {
  return { autogeneratePattern: "", help: "", hidden: false, id: fieldId("text", name), max, min: 0, name, pattern: "", presentable: false, primaryKey: false, required, system: true, type: "text" }
}

function ownerCollection(name: string, extra: Field[], indexes: string[], ownerMayDelete = false): Collection {
  const collection = blankCollection("base", name)
  collection.system = true
  collection.fields = [idField(), textField("collectionRef", true), textField("recordRef", true), ...extra, ...autodateFields(true)]
  collection.indexes = indexes
  collection.listRule = OWNER_RULE
  collection.viewRule = OWNER_RULE
  // Devices and linked providers are the owner's to remove; OTP and MFA rows are not.
  if (ownerMayDelete) collection.deleteRule = OWNER_RULE
  return collection
}

/** The collections a fresh data directory starts with, in creation order. */
export function initialCollections(): Collection[] {
  const superusers = blankCollection("auth", SUPERUSERS)
  superusers.system = true
  superusers.fields.push(...autodateFields(true))
  Object.assign(superusers, defaultAuthOptions(86_400))
  superusers.indexes = authIndexes(superusers)

  const users = blankCollection("auth", "users")
  users.id = USERS_ID
  users.listRule = users.viewRule = users.updateRule = users.deleteRule = "id = @request.auth.id"
  users.createRule = ""
  users.fields.push(
    { ...textField("name", false, 255), system: false },
    { help: "", hidden: false, id: fieldId("file", "avatar"), maxSelect: 1, maxSize: 0, mimeTypes: ["image/jpeg", "image/png", "image/svg+xml", "image/gif", "image/webp"], name: "avatar", presentable: false, protected: false, required: false, system: false, thumbs: [], type: "file" },
    ...autodateFields(false),
  )
  ;(users.oauth2 as { mappedFields: Record<string, string> }).mappedFields = { id: "", name: "name", username: "", avatarURL: "avatar" }
  users.indexes = authIndexes(users)

  return [
    ownerCollection("_mfas", [textField("method", true)], ["CREATE INDEX `idx_mfas_collectionRef_recordRef` ON `_mfas` (collectionRef,recordRef)"]),
    ownerCollection("_otps", [{ cost: 8, help: "", hidden: true, id: fieldId("password", "password"), max: 0, min: 0, name: "password", pattern: "", presentable: false, required: true, system: true, type: "password" }, { ...textField("sentTo", false), hidden: true }], ["CREATE INDEX `idx_otps_collectionRef_recordRef` ON `_otps` (collectionRef, recordRef)"]),
    ownerCollection("_externalAuths", [textField("provider", true), textField("providerId", true)], [
      "CREATE UNIQUE INDEX `idx_externalAuths_record_provider` ON `_externalAuths` (collectionRef, recordRef, provider)",
      "CREATE UNIQUE INDEX `idx_externalAuths_collection_provider` ON `_externalAuths` (collectionRef, provider, providerId)",
    ], true),
    ownerCollection("_authOrigins", [textField("fingerprint", true)], ["CREATE UNIQUE INDEX `idx_authOrigins_unique_pairs` ON `_authOrigins` (collectionRef, recordRef, fingerprint)"], true),
    superusers,
    users,
  ]
}
