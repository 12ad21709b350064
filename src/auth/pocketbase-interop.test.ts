/**
 * Checks our tokens and password hashes against a real PocketBase (the reference server).
 * Skipped, with a printed reason, when the `pocketbase` binary is not on PATH.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { Database } from "bun:sqlite"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { verifyPassword, hashPassword } from "../core/passwords.ts"
import {
  AUTH_TOKEN_DURATION,
  EMAIL_CHANGE_TOKEN_DURATION,
  FILE_TOKEN_DURATION,
  PASSWORD_RESET_TOKEN_DURATION,
  SUPERUSER_AUTH_TOKEN_DURATION,
  VERIFICATION_TOKEN_DURATION,
  decodeUnverified,
  signAuthToken,
  signingKey,
  verify,
} from "./tokens.ts"

const POCKETBASE = Bun.which("pocketbase")
if (!POCKETBASE) console.log("skipping PocketBase interop tests: `pocketbase` is not on PATH")

const EMAIL = "a@b.c"
const PASSWORD = "1234567890"
const SUPERUSERS_ID = "pbc_3142635823"

interface TokenOptions { secret: string; duration: number }
interface AuthOptions {
  authToken: TokenOptions
  fileToken: TokenOptions
  verificationToken: TokenOptions
  passwordResetToken: TokenOptions
  emailChangeToken: TokenOptions
}

let dir = ""
let base = ""
let server: ReturnType<typeof Bun.spawn> | undefined
let db: Database

const segments = (token: string) =>
  token.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url").toString()))
const nowSeconds = () => Math.floor(Date.now() / 1000)

function collectionOptions(name: string): AuthOptions & { id: string } {
  const row = db.query("SELECT id, options FROM _collections WHERE name = ?").get(name) as { id: string; options: string }
  return { id: row.id, ...JSON.parse(row.options) }
}
const superuser = () =>
  db.query("SELECT id, tokenKey, password FROM _superusers WHERE email = ?").get(EMAIL) as {
    id: string; tokenKey: string; password: string
  }

async function authWithPassword(collection: string, identity: string, password: string) {
  const res = await fetch(`${base}/api/collections/${collection}/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity, password }),
  })
  return { status: res.status, body: (await res.json()) as { token?: string; record?: { id: string } } }
}

function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() })
  const port = probe.port!
  probe.stop(true)
  return port
}

describe.skipIf(!POCKETBASE)("PocketBase interop", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pocketbun-auth-"))
    const upsert = Bun.spawnSync([POCKETBASE!, "superuser", "upsert", EMAIL, PASSWORD, "--dir", dir])
    if (upsert.exitCode !== 0) throw new Error(`superuser upsert failed: ${upsert.stderr.toString()}`)
    const port = freePort()
    base = `http://127.0.0.1:${port}`
    server = Bun.spawn([POCKETBASE!, "serve", "--http", `127.0.0.1:${port}`, "--dir", dir], {
      stdout: "ignore",
      stderr: "ignore",
    })
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break
      } catch {}
      if (i > 100) throw new Error("PocketBase did not start")
      await Bun.sleep(50)
    }
    db = new Database(join(dir, "data.db"))
    db.run("PRAGMA busy_timeout = 5000")
  }, 20_000)

  afterAll(async () => {
    db?.close()
    server?.kill()
    await server?.exited
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  describe("passwords", () => {
    it("verifies the $2a$10$ hash PocketBase stored", async () => {
      const { password } = superuser()
      expect(password).toMatch(/^\$2a\$10\$/)
      expect(await verifyPassword(PASSWORD, password)).toBe(true)
      expect(await verifyPassword("wrong-password", password)).toBe(false)
    })

    it("lets PocketBase verify a $2b$ hash made by Bun", async () => {
      const hash = await hashPassword("bun-made-password")
      expect(hash).toStartWith("$2b$10$")
      db.run("UPDATE _superusers SET password = ? WHERE email = ?", [hash, EMAIL])
      expect((await authWithPassword("_superusers", EMAIL, "bun-made-password")).status).toBe(200)
      expect((await authWithPassword("_superusers", EMAIL, "bun-made-passworD")).status).toBe(400)
    })

    it("agrees with Go's bcrypt at the 72-byte limit", async () => {
      const long = "x".repeat(72)
      db.run("UPDATE _superusers SET password = ? WHERE email = ?", [await hashPassword(long), EMAIL])
      // Bun does not pre-hash a 72-byte password, so Go verifies it...
      expect((await authWithPassword("_superusers", EMAIL, long)).status).toBe(200)
      // ...and Go ignores bytes past 72, as verifyPassword does.
      expect((await authWithPassword("_superusers", EMAIL, `${long}tail`)).status).toBe(200)
      expect(await verifyPassword(`${long}tail`, superuser().password)).toBe(true)
    })
  })

  describe("tokens", () => {
    it("issues HS256 auth tokens with PocketBase's header, claims and 1-day superuser duration", async () => {
      db.run("UPDATE _superusers SET password = ? WHERE email = ?", [await hashPassword(PASSWORD), EMAIL])
      const before = nowSeconds()
      const { status, body } = await authWithPassword("_superusers", EMAIL, PASSWORD)
      expect(status).toBe(200)
      const token = body.token!
      expect(token.split(".")[0]).toBe(Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url"))
      const [header, claims] = segments(token)
      expect(header).toEqual({ alg: "HS256", typ: "JWT" })
      expect(Object.keys(claims).sort()).toEqual(["collectionId", "exp", "id", "refreshable", "type"])
      expect(claims).toMatchObject({ id: superuser().id, type: "auth", collectionId: SUPERUSERS_ID, refreshable: true })
      expect(Number.isInteger(claims.exp)).toBe(true)
      expect(claims.exp - before).toBeGreaterThanOrEqual(SUPERUSER_AUTH_TOKEN_DURATION)
      expect(claims.exp - before).toBeLessThanOrEqual(SUPERUSER_AUTH_TOKEN_DURATION + 2)
      expect(decodeUnverified(token)).toEqual(claims)
    })

    it("signs with record tokenKey followed by the collection's authToken.secret", async () => {
      const { token } = (await authWithPassword("_superusers", EMAIL, PASSWORD)).body
      const { tokenKey } = superuser()
      const { authToken } = collectionOptions("_superusers")
      expect(verify(token, signingKey(tokenKey, authToken.secret))).not.toBeNull()
      expect(verify(token, signingKey(authToken.secret, tokenKey))).toBeNull()
      expect(verify(token, tokenKey)).toBeNull()
      expect(verify(token, authToken.secret)).toBeNull()
    })

    it("accepts our auth tokens and rejects ones signed with the wrong key", async () => {
      const { id, tokenKey } = superuser()
      const { authToken } = collectionOptions("_superusers")
      const subject = { id, collectionId: SUPERUSERS_ID, tokenKey }
      const refresh = (token: string) =>
        fetch(`${base}/api/collections/_superusers/auth-refresh`, { method: "POST", headers: { authorization: token } })

      const ours = signAuthToken(subject, { secret: authToken.secret, duration: authToken.duration })
      const ok = await refresh(ours)
      expect(ok.status).toBe(200)
      expect(((await ok.json()) as { record: { id: string } }).record.id).toBe(id)
      expect((await refresh(`Bearer ${ours}`)).status).toBe(200)

      expect((await refresh(signAuthToken(subject, { secret: "wrong".repeat(10) }))).status).toBe(401)
      expect((await refresh(signAuthToken(subject, { secret: authToken.secret, duration: 10, now: Date.now() - 20_000 }))).status)
        .toBe(401)
    })

    it("issues file tokens with the fileToken secret and a 180 s lifetime", async () => {
      const { token } = (await authWithPassword("_superusers", EMAIL, PASSWORD)).body
      const before = nowSeconds()
      const res = await fetch(`${base}/api/files/token`, { method: "POST", headers: { authorization: token! } })
      expect(res.status).toBe(200)
      const fileToken = ((await res.json()) as { token: string }).token
      const [, claims] = segments(fileToken)
      expect(Object.keys(claims).sort()).toEqual(["collectionId", "exp", "id", "type"])
      expect(claims).toMatchObject({ type: "file", id: superuser().id, collectionId: SUPERUSERS_ID })
      expect(claims.exp - before).toBeGreaterThanOrEqual(FILE_TOKEN_DURATION)
      expect(claims.exp - before).toBeLessThanOrEqual(FILE_TOKEN_DURATION + 2)
      const { fileToken: options } = collectionOptions("_superusers")
      expect(verify(fileToken, signingKey(superuser().tokenKey, options.secret))).not.toBeNull()
    })

    it("gives regular auth collections a 5-day auth token", async () => {
      const email = "user@example.com"
      const created = await fetch(`${base}/api/collections/users/records`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "user-password", passwordConfirm: "user-password" }),
      })
      expect(created.status).toBe(200)
      const before = nowSeconds()
      const { token } = (await authWithPassword("users", email, "user-password")).body
      const [, claims] = segments(token!)
      expect(claims.exp - before).toBeGreaterThanOrEqual(AUTH_TOKEN_DURATION)
      expect(claims.exp - before).toBeLessThanOrEqual(AUTH_TOKEN_DURATION + 2)
      const users = collectionOptions("users")
      expect(claims.collectionId).toBe(users.id)
      const { tokenKey } = db.query("SELECT tokenKey FROM users WHERE email = ?").get(email) as { tokenKey: string }
      expect(verify(token, signingKey(tokenKey, users.authToken.secret))).not.toBeNull()
    })

    it("stores the default durations and 50-char secrets we use", () => {
      for (const [name, auth] of [["users", AUTH_TOKEN_DURATION], ["_superusers", SUPERUSER_AUTH_TOKEN_DURATION]] as const) {
        const options = collectionOptions(name)
        expect(options.authToken.duration).toBe(auth)
        expect(options.verificationToken.duration).toBe(VERIFICATION_TOKEN_DURATION)
        expect(options.passwordResetToken.duration).toBe(PASSWORD_RESET_TOKEN_DURATION)
        expect(options.emailChangeToken.duration).toBe(EMAIL_CHANGE_TOKEN_DURATION)
        expect(options.fileToken.duration).toBe(FILE_TOKEN_DURATION)
        for (const kind of ["authToken", "verificationToken", "passwordResetToken", "emailChangeToken", "fileToken"] as const) {
          expect(options[kind].secret).toMatch(/^[a-zA-Z0-9]{50}$/)
        }
      }
      expect(superuser().tokenKey).toMatch(/^[a-zA-Z0-9]{50}$/)
    })
  })
})
