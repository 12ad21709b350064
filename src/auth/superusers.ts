/**
 * @module
 * Superuser accounts managed from the command line: create, update (reset the password),
 * upsert (either), delete, and one-time passwords. Every write goes through the record lifecycle (and its hooks) like any other.
 */
import { nowDateTime } from "../core/clock.ts"
import { newRecordId } from "../core/ids.ts"
import type { CollectionRegistry } from "../records/collections.ts"
import type { RecordRepository } from "../records/repository.ts"
import type { RecordLifecycle } from "../records/record-lifecycle.ts"
import { SUPERUSERS } from "../records/collection-defaults.ts"
import { hashPassword } from "../core/passwords.ts"
import { PasswordValue } from "../records/fields/index.ts"
import { newTokenKey, randomString } from "../core/random.ts"

/** A problem with the command's input, reported to the operator as is. */
export class SuperuserInputError extends Error {}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

interface Deps {
  collections: CollectionRegistry
  records: RecordRepository
  recordLifecycle: RecordLifecycle
}

function check(email: string, password: string): void {
  if (!EMAIL.test(email)) throw new SuperuserInputError(`invalid email address "${email}"`)
  if (password.length < 8) throw new SuperuserInputError("the password must be at least 8 characters")
}

/** Creates a superuser; fails if the email is taken. */
export async function createSuperuser(deps: Deps, email: string, password: string): Promise<void> {
  check(email, password)
  const collection = deps.collections.get(SUPERUSERS)
  if (deps.records.findByField(collection, "email", email)) throw new SuperuserInputError(`superuser ${email} already exists`)
  const now = nowDateTime()
  deps.recordLifecycle.create(collection, {
    id: newRecordId(), email, emailVisibility: false, verified: true,
    password: new PasswordValue("", await hashPassword(password)), tokenKey: newTokenKey(), created: now, updated: now,
  })
}

/** Creates the superuser, or sets a new password (and token key) for an existing one. */
export async function upsertSuperuser(deps: Deps, email: string, password: string): Promise<"created" | "updated"> {
  check(email, password)
  const collection = deps.collections.get(SUPERUSERS)
  const existing = deps.records.findByField(collection, "email", email)
  if (!existing) {
    await createSuperuser(deps, email, password)
    return "created"
  }
  await updateSuperuser(deps, email, password)
  return "updated"
}

/** Sets a new password (and token key) for an existing superuser. */
export async function updateSuperuser(deps: Deps, email: string, password: string): Promise<void> {
  check(email, password)
  const collection = deps.collections.get(SUPERUSERS)
  const existing = deps.records.findByField(collection, "email", email)
  if (!existing) throw new SuperuserInputError(`superuser ${email} does not exist`)
  deps.recordLifecycle.update(collection, { ...existing, password: new PasswordValue("", await hashPassword(password)), tokenKey: newTokenKey(), updated: nowDateTime() }, existing)
}

/** A one-time password made for a superuser, as `superuser otp` prints it. */
export interface SuperuserOtp {
  id: string
  password: string
  /** Seconds it stays valid. */
  duration: number
}

/** Creates an OTP for a superuser (PocketBase's `superuser otp`); the collection must have OTP enabled. */
export async function createSuperuserOtp(deps: Deps, email: string): Promise<SuperuserOtp> {
  if (!EMAIL.test(email)) throw new SuperuserInputError("invalid or missing email address")
  const collection = deps.collections.get(SUPERUSERS)
  const superuser = deps.records.findByField(collection, "email", email)
  if (!superuser) throw new SuperuserInputError(`superuser with email "${email}" doesn't exist`)
  const otp = (collection.otp ?? {}) as { enabled?: boolean; length?: number; duration?: number }
  if (!otp.enabled) throw new SuperuserInputError("OTP auth is not enabled for the _superusers collection")
  const password = randomString(otp.length || 8, "1234567890")
  const otps = deps.collections.get("_otps")
  const cost = otps.fields.find((f) => f.name === "password")?.cost
  const now = nowDateTime()
  const id = newRecordId()
  deps.recordLifecycle.create(otps, {
    id, collectionRef: collection.id, recordRef: superuser.id, password: new PasswordValue("", await hashPassword(password, cost)), sentTo: "", created: now, updated: now,
  })
  return { id, password, duration: otp.duration ?? 0 }
}

/** Deletes a superuser; the last one cannot be deleted. */
export function deleteSuperuser(deps: Deps, email: string): void {
  const collection = deps.collections.get(SUPERUSERS)
  const existing = deps.records.findByField(collection, "email", email)
  if (!existing) throw new SuperuserInputError(`superuser ${email} does not exist`)
  if (deps.records.count(collection) <= 1) throw new SuperuserInputError("You can't delete the only existing superuser.")
  deps.recordLifecycle.delete(collection, existing)
}
