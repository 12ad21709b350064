/**
 * @module
 * `POST /api/settings/test/s3` and `/test/email`: form validation with PocketBase's answers, then
 * the actual probe through a replaceable seam. The S3 probe uploads and deletes a small file with
 * Bun's S3 client; sending the test email belongs to the mail feature, which registers itself
 * with `SettingsService.connectionTests.sendTestEmail` (until then the answer is PocketBase's
 * answer for a server without a mailer).
 */
import { ApiError, badRequest, fieldError, type ErrorData } from "../core/errors.ts"
import { randomString } from "../core/random.ts"
import * as check from "./checks.ts"
import type { S3Settings, Settings } from "./model.ts"

/** The templates PocketBase can send as a test email. */
export const TEST_EMAIL_TEMPLATES = ["verification", "password-reset", "email-change", "otp", "login-alert"] as const

export interface TestEmailRequest {
  email: string
  template: (typeof TEST_EMAIL_TEMPLATES)[number]
  /** Auth collection id or name; PocketBase falls back to `_superusers`. */
  collection: string
}

/** The probes behind the two test endpoints; each rejects with the raw reason on failure. */
export interface ConnectionTests {
  probeS3(config: S3Settings): Promise<void>
  sendTestEmail(request: TestEmailRequest, settings: Readonly<Settings>): Promise<void>
}

/** Default probes: a real S3 round trip, and no mailer. */
export const defaultConnectionTests: ConnectionTests = {
  async probeS3(config) {
    const client = new Bun.S3Client({
      bucket: config.bucket,
      region: config.region,
      endpoint: config.endpoint,
      accessKeyId: config.accessKey,
      secretAccessKey: config.secret,
      virtualHostedStyle: !config.forcePathStyle,
    })
    const key = `pb_settings_test_${randomString(5)}/test.txt`
    await client.write(key, "test").catch((error: unknown) => {
      throw new Error(`failed to upload a test file: ${reason(error)}`)
    })
    await client.delete(key).catch((error: unknown) => {
      throw new Error(`failed to delete a test file: ${reason(error)}`)
    })
  },
  async sendTestEmail() {
    // What PocketBase answers when SMTP is off and no sendmail is installed.
    throw new Error("failed to locate a sendmail executable path")
  },
}

/** Runs the S3 test for `filesystem` ("storage" or "backups"); throws PocketBase's 400 answers. */
export async function testS3(body: Record<string, unknown>, settings: Readonly<Settings>, tests: ConnectionTests): Promise<void> {
  const filesystem = body.filesystem ?? ""
  if (typeof filesystem !== "string") throw badRequest("An error occurred while loading the submitted data.")
  const error = check.firstError(filesystem, [check.required, check.oneOf("storage", "backups")])
  if (error) throw badRequest("Failed to test the S3 filesystem.", { filesystem: error })
  const config = filesystem === "backups" ? settings.backups.s3 : settings.s3
  if (!config.enabled) throw rawError("Failed to test the S3 filesystem.", "S3 storage filesystem is not enabled")
  await tests.probeS3(config).catch((cause: unknown) => {
    throw rawError("Failed to test the S3 filesystem.", reason(cause))
  })
}

/** Validates and sends a test email; throws PocketBase's 400 answers. */
export async function testEmail(
  body: Record<string, unknown>,
  context: { settings: Readonly<Settings>; tests: ConnectionTests; isAuthCollection: (idOrName: string) => boolean },
): Promise<void> {
  const [email, template, collection] = ["email", "template", "collection"].map((key) => body[key] ?? "")
  if (typeof email !== "string" || typeof template !== "string" || typeof collection !== "string") {
    throw badRequest("An error occurred while loading the submitted data.")
  }
  const errors: ErrorData = {}
  const collectionError =
    check.firstError(collection, [check.length(1, 255)]) ??
    (collection !== "" && !context.isAuthCollection(collection) ? fieldError("validation_invalid_auth_collection", "Must be a valid auth collection id or name.") : null)
  if (collectionError) errors.collection = collectionError
  const emailError = check.firstError(email, [check.required, check.length(1, 255), check.email])
  if (emailError) errors.email = emailError
  const templateError = check.firstError(template, [check.required, check.oneOf(...TEST_EMAIL_TEMPLATES)])
  if (templateError) errors.template = templateError
  if (Object.keys(errors).length > 0) throw badRequest("Failed to send the test email.", errors)
  const request = { email, template: template as TestEmailRequest["template"], collection: collection || "_superusers" }
  await context.tests.sendTestEmail(request, context.settings).catch((cause: unknown) => {
    throw rawError("Failed to send the test email.", reason(cause))
  })
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error))

const rawError = (message: string, raw: string) => new ApiError(400, `${message} Raw error: \n${raw}`)
