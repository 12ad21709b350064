/**
 * The settings API through the SDK (`pb.settings`): read without secrets, update with field-by-field
 * validation, superusers only, storage in `_params`, changes seen by another process on the same
 * data file, the S3/email test endpoints and Apple's client secret. The same requests also go to
 * the reference PocketBase, where installed, and the answers must be equal.
 */
import { beforeAll, describe, expect, it } from "bun:test"
import { Database } from "bun:sqlite"
import { join } from "node:path"
import { createApp } from "../../src/app.ts"
import { makeConfig } from "../../src/config.ts"
import { referenceExecutable, startPocketbun, startReference } from "../support/servers.ts"
import { errorBody, failure } from "../support/records-fixture.ts"
import { useServer } from "../support/lifecycle.ts"
import { rawRequest, type RawAnswer, type RawRequest } from "../support/raw-request.ts"

const INVALID_EVERYWHERE = {
  meta: { appName: "", appURL: "nope", senderAddress: "x", accentColor: "abc" },
  smtp: { enabled: true, host: "", port: -1, authMethod: "X", localName: "a b" },
  s3: { enabled: true, endpoint: "bad" },
  logs: { maxDays: -1, maxDataSize: -2 },
  batch: { enabled: true, maxRequests: 0, timeout: -1, maxBodySize: -1 },
  backups: { cron: "bad", cronMaxKeep: 0, s3: { enabled: true, bucket: "b" } },
  rateLimits: {
    enabled: true,
    rules: [{ label: "bad label!", maxRequests: 0, duration: 0, audience: "x" }, { label: "/a", maxRequests: 1, duration: 1 }],
    excludedIPs: ["bad", "", "10.0.0.0/8"],
  },
  superuserIPs: ["1.2.3.4/33", ""],
}

// Requests sent in order to both servers; each answer must match the reference's.
const SCENARIOS: Array<RawRequest & { name: string }> = [
  { name: "guest read", method: "GET", path: "/api/settings", guest: true },
  { name: "defaults", method: "GET", path: "/api/settings" },
  { name: "every section invalid", method: "PATCH", path: "/api/settings", body: INVALID_EVERYWHERE },
  { name: "malformed json", method: "PATCH", path: "/api/settings", body: '{"meta":' },
  { name: "array body", method: "PATCH", path: "/api/settings", body: "[]" },
  { name: "wrong type", method: "PATCH", path: "/api/settings", body: { meta: { appName: 5 } } },
  { name: "fraction for an integer", method: "PATCH", path: "/api/settings", body: { batch: { maxRequests: 1.5 } } },
  { name: "keys differing only in case", method: "PATCH", path: "/api/settings", body: { meta: { appName: "A", appname: "B" } } },
  { name: "null section resets it", method: "PATCH", path: "/api/settings", body: { meta: null } },
  {
    name: "conflicting rate limit labels",
    method: "PATCH",
    path: "/api/settings",
    body: { rateLimits: { rules: [{ label: "/a/", maxRequests: 1, duration: 1 }, { label: "/a/", maxRequests: 2, duration: 1, audience: "@auth" }, { label: "/a/", maxRequests: 1, duration: 1 }] } },
  },
  { name: "enabled limits need rules", method: "PATCH", path: "/api/settings", body: { rateLimits: { enabled: true, rules: [] } } },
  { name: "cron step error", method: "PATCH", path: "/api/settings", body: { backups: { cron: "*/0 * * * *" } } },
  { name: "cron range error", method: "PATCH", path: "/api/settings", body: { backups: { cron: "5-2 * * * *" } } },
  { name: "cron text error", method: "PATCH", path: "/api/settings", body: { backups: { cron: "x * * * *" } } },
  {
    name: "valid update with secrets",
    method: "PATCH",
    path: "/api/settings",
    body: {
      META: { APPNAME: "Renamed", senderName: "Ops" },
      smtp: { password: "smtp-secret", username: "mailer" },
      s3: { secret: "s3-secret", accessKey: "key" },
      backups: { cron: "@daily", cronMaxKeep: 2, s3: { secret: "backup-secret" } },
      trustedProxy: { headers: ["X-Forwarded-For"], useLeftmostIP: true },
      rateLimits: { rules: [{ label: "users:authWithPassword", maxRequests: 3, duration: 10, audience: "@guest" }, { label: "POST /api/batch", maxRequests: 1, duration: 1 }] },
      unknownKey: 1,
    },
  },
  { name: "read back without secrets", method: "GET", path: "/api/settings" },
  { name: "s3 test without filesystem", method: "POST", path: "/api/settings/test/s3", body: {} },
  { name: "s3 test with a bad filesystem", method: "POST", path: "/api/settings/test/s3", body: { filesystem: "x" } },
  { name: "s3 test while s3 is off", method: "POST", path: "/api/settings/test/s3", body: { filesystem: "storage" } },
  { name: "email test without fields", method: "POST", path: "/api/settings/test/email", body: {} },
  { name: "email test with a bad collection", method: "POST", path: "/api/settings/test/email", body: { email: "a@b.co", template: "otp", collection: "nope" } },
  { name: "email test with a bad template", method: "POST", path: "/api/settings/test/email", body: { email: "not-an-email", template: "nope" } },
  { name: "email test without a mailer", method: "POST", path: "/api/settings/test/email", body: { email: "a@b.co", template: "verification" } },
  { name: "apple secret without fields", method: "POST", path: "/api/settings/apple/generate-client-secret", body: {} },
  { name: "apple secret with bad fields", method: "POST", path: "/api/settings/apple/generate-client-secret", body: { teamId: "123", duration: 99999999, privateKey: "x" } },
  {
    name: "apple secret with a broken key",
    method: "POST",
    path: "/api/settings/apple/generate-client-secret",
    body: { clientId: "a", teamId: "1234567890", keyId: "1234567890", privateKey: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----", duration: 100 },
  },
]

async function pkcs8Pem(): Promise<{ pem: string; publicKey: CryptoKey }> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair
  const der = Buffer.from(await crypto.subtle.exportKey("pkcs8", pair.privateKey)).toString("base64")
  return { pem: `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----`, publicKey: pair.publicKey }
}

describe("settings API (pocketbun)", () => {
  const server = useServer(startPocketbun)

  it("returns the defaults to superusers through the SDK", async () => {
    const settings = await server().admin.settings.getAll()
    expect(settings.meta.appName).toBe("Acme")
    expect(settings.batch).toEqual({ enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 })
    expect(settings.rateLimits.rules.map((rule: { label: string }) => rule.label)).toEqual(["*:auth", "*:create", "/api/batch", "/api/"])
  })

  it("refuses guests and regular users", async () => {
    expect(errorBody(await failure(server().client().settings.getAll())).status).toBe(401)
    await server().admin.collection("users").create({ email: "u@example.com", password: "password123", passwordConfirm: "password123" })
    const user = server().client()
    await user.collection("users").authWithPassword("u@example.com", "password123")
    expect(errorBody(await failure(user.settings.update({ meta: { appName: "X" } }))).status).toBe(403)
    expect(server().app.services.settings.get().meta.appName).toBe("Acme")
  })

  it("stores secrets in _params but never returns them", async () => {
    const updated = await server().admin.settings.update({ smtp: { password: "hunter22" }, s3: { secret: "s3cr3t" }, backups: { s3: { secret: "b4ck" } } })
    const raw = JSON.stringify(updated)
    for (const secret of ["hunter22", "s3cr3t", "b4ck"]) expect(raw).not.toContain(secret)
    expect(updated.smtp).not.toHaveProperty("password")
    const db = new Database(join(server().dir, "data.db"), { readonly: true })
    const row = db.query("SELECT value FROM _params WHERE id = 'settings'").get() as { value: string }
    db.close()
    const stored = JSON.parse(row.value)
    expect([stored.smtp.password, stored.s3.secret, stored.backups.s3.secret]).toEqual(["hunter22", "s3cr3t", "b4ck"])
  })

  it("tells subscribers and applies a change made by another process on the same data file", async () => {
    const seen: string[] = []
    const unsubscribe = server().app.services.settings.subscribe((next) => seen.push(next.meta.appName))
    const other = createApp(makeConfig({ dir: server().dir, readWorkers: 0 }))
    try {
      other.services.settings.update({ meta: { appName: "From elsewhere" }, batch: { enabled: true, maxRequests: 7 } })
      const settings = await server().admin.settings.getAll()
      expect(settings.meta.appName).toBe("From elsewhere")
      expect(server().app.services.settings.get().batch.maxRequests).toBe(7)
      expect(seen).toEqual(["From elsewhere"])
    } finally {
      unsubscribe()
      other.close()
    }
  })

  it("signs Apple's client secret as an ES256 JWT", async () => {
    const { pem, publicKey } = await pkcs8Pem()
    const { secret } = await server().admin.settings.generateAppleClientSecret("com.example.app", "TEAM123456", "KEY1234567", pem, 3600)
    const [header, claims, signature] = secret.split(".") as [string, string, string]
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ alg: "ES256", kid: "KEY1234567", typ: "JWT" })
    const payload = JSON.parse(Buffer.from(claims, "base64url").toString())
    expect(payload).toMatchObject({ iss: "TEAM123456", sub: "com.example.app", aud: ["https://appleid.apple.com"] })
    expect(payload.exp - payload.iat).toBe(3600)
    const valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, Buffer.from(signature, "base64url"), new TextEncoder().encode(`${header}.${claims}`))
    expect(valid).toBe(true)
  })
})

const reference = referenceExecutable()
if (!reference.path) console.log(`skipping the settings differential run: ${reference.reason}`)

describe.skipIf(!reference.path)("settings API answers as the reference does", () => {
  const ours = useServer(startPocketbun)
  const theirs = useServer(startReference)
  const answers = new Map<string, [RawAnswer, RawAnswer]>()

  beforeAll(async () => {
    for (const scenario of SCENARIOS) answers.set(scenario.name, await Promise.all([rawRequest(ours(), scenario), rawRequest(theirs(), scenario)]))
  }, 30_000)

  for (const scenario of SCENARIOS) {
    it(scenario.name, () => {
      const [mine, reference] = answers.get(scenario.name)!
      expect(mine).toEqual(reference)
    })
  }
})
