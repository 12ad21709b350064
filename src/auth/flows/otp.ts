/**
 * @module
 * One-time passwords: request (mails a numeric code, answers its `otpId`; an unknown email gets
 * a made-up id) and sign-in with `otpId` + code. Codes live hashed in `_otps` for
 * `otp.duration` seconds, each record may try 5 codes per 3 minutes, and a used code is deleted.
 */
import { badRequest, forbidden, tooManyRequests } from "../../core/errors.ts"
import { newRecordId } from "../../core/ids.ts"
import type { Collection, RecordData } from "../../core/types.ts"
import { hashPassword, verifyPassword } from "../../core/passwords.ts"
import { newTokenKey, randomString } from "../../core/random.ts"
import { PasswordValue } from "../../records/fields/index.ts"
import { findAuthRecordByEmail, saveAuthRecord, type FlowDeps } from "./deps.ts"
import { emailError, lengthOutOfRange, readStrings, required, throwIfInvalid } from "./form.ts"
import { composeRecordMail } from "./record-mail.ts"
import { hasExpired, type SystemRecords } from "./system-records.ts"
import { AttemptLimit } from "./attempt-limit.ts"

/** PocketBase's `otp` collection option. */
interface OtpOptions {
  enabled?: boolean
  duration?: number
  length?: number
}

/** bcrypt cost of stored codes (the `_otps.password` field's). */
const OTP_HASH_COST = 8
/** Unexpired codes a record may hold before requests reuse the newest instead of mailing more. */
const MAX_ACTIVE_OTPS = 10

const options = (collection: Collection) => (collection.otp ?? {}) as OtpOptions
const notEnabled = () => forbidden("The collection is not configured to allow OTP authentication.")
const invalidOtp = () => badRequest("Invalid or expired OTP")

/** OTP requests and checks for one app. */
export class OtpFlow {
  readonly #deps: FlowDeps
  readonly #otps: SystemRecords
  // Codes are short digit strings: 5 tries per record per 3 minutes, as PocketBase enforces.
  readonly #attempts = new AttemptLimit(5, 180_000)

  constructor(deps: FlowDeps, otps: SystemRecords) {
    this.#deps = deps
    this.#otps = otps
  }

  /** POST /api/collections/:c/request-otp → `{otpId}` */
  async request(collection: Collection, body: Record<string, unknown>): Promise<{ otpId: string }> {
    const otp = options(collection)
    if (!otp.enabled) throw notEnabled()
    const { email } = readStrings(body, ["email"])
    throwIfInvalid({ email: emailError(email) })
    const code = randomString(Math.max(1, otp.length ?? 8), "1234567890")
    const record = findAuthRecordByEmail(this.#deps.records, collection, email)
    // The hash is computed either way, so the answer takes as long for unknown emails; those get
    // an id that looks like any other and leads nowhere.
    const hash = await hashPassword(code, OTP_HASH_COST)
    if (!record) return { otpId: newRecordId() }
    const owner = { collection, record }
    const active = this.#otps.findByOwner(owner).filter((row) => !hasExpired(row.created, otp.duration ?? 0))
    if (active.length >= MAX_ACTIVE_OTPS) return { otpId: String(active[0]!.id) }
    const stored = this.#otps.create(owner, { password: new PasswordValue("", hash), sentTo: "" })
    this.#mail(collection, record, stored, code)
    return { otpId: String(stored.id) }
  }

  /**
   * Checks `otpId` + `password` for POST /api/collections/:c/auth-with-otp and consumes the code;
   * returns the record that signed in (its `verified` updated when the code went to its email).
   */
  async verify(collection: Collection, body: Record<string, unknown>): Promise<RecordData> {
    if (!options(collection).enabled) throw notEnabled()
    const form = readStrings(body, ["otpId", "password"])
    throwIfInvalid({
      otpId: form.otpId === "" ? required() : form.otpId.length > 255 ? lengthOutOfRange(1, 255) : null,
      password: form.password === "" ? required() : form.password.length > 71 ? lengthOutOfRange(1, 71) : null,
    })
    const stored = this.#otps.findById(form.otpId)
    if (!stored || stored.collectionRef !== collection.id || hasExpired(stored.created, options(collection).duration ?? 0)) throw invalidOtp()
    const record = this.#deps.records.findById(collection, String(stored.recordRef))
    if (!record) throw invalidOtp()
    if (!this.#attempts.allow(`${collection.id}:${String(record.id)}`)) throw tooManyRequests("Too many attempts, please try again later with a new OTP.")
    const hash = stored.password instanceof PasswordValue ? stored.password.hash : ""
    if (hash === "" || !(await verifyPassword(form.password, hash))) throw invalidOtp()
    // Used once: a second sign-in with the same code fails.
    const current = this.#otps.findById(String(stored.id))
    if (!current) throw invalidOtp()
    this.#otps.delete(current)
    const sentTo = String(stored.sentTo ?? "")
    if (record.verified === true || sentTo === "" || sentTo !== record.email) return record
    const changes: RecordData = { verified: true }
    // As on verification: a random password guards against accounts pre-registered by others.
    if (!(collection.mfa as { enabled?: boolean } | undefined)?.enabled) {
      changes.password = new PasswordValue("", await hashPassword(randomString(30)))
      changes.tokenKey = newTokenKey()
    }
    // Read again after hashing, so a change made meanwhile is kept.
    return saveAuthRecord(this.#deps.recordLifecycle, collection, this.#deps.records.findById(collection, String(record.id)) ?? record, changes)
  }

  #mail(collection: Collection, record: RecordData, stored: RecordData, code: string): void {
    const message = composeRecordMail(this.#deps.mailSettings(), {
      kind: "otp", collection, record, placeholders: { "{OTP}": code, "{OTP_ID}": String(stored.id) },
    })
    const id = String(stored.id)
    this.#deps.mailer.sendInBackground(message, { kind: "otp", record, collectionName: collection.name }, {
      // The address the code went to; a sign-in with it later verifies that address.
      sent: (outcome, sentMessage) => {
        const to = sentMessage.to[0]?.address ?? ""
        if (outcome === "cancelled" || to === "") return
        void this.#deps.backgroundWrite(() => {
          const current = this.#otps.findById(id)
          if (current && current.sentTo === "") this.#otps.update(current, { sentTo: to })
        })
      },
      // A code that never arrived is removed.
      failed: () => {
        void this.#deps.backgroundWrite(() => {
          const current = this.#otps.findById(id)
          if (current) this.#otps.delete(current)
        })
      },
    })
  }
}
