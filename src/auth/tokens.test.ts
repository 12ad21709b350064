import { describe, expect, it } from "bun:test"
import { createHmac } from "node:crypto"
import {
  AUTH_TOKEN_DURATION,
  FILE_TOKEN_DURATION,
  decodeUnverified,
  signAuthToken,
  signEmailChangeToken,
  signFileToken,
  signPasswordResetToken,
  signVerificationToken,
  signingKey,
  verify,
} from "./tokens.ts"

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0)
const subject = { id: "abc123def456ghi", collectionId: "_pb_users_auth_", tokenKey: "k".repeat(50) }
const secret = "s".repeat(50)
const key = signingKey(subject.tokenKey, secret)

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url")
/** Builds a token by hand, optionally signed with `key`, to probe the verifier. */
function craft(header: unknown, payload: unknown, signWith: string | null = key): string {
  const input = `${b64(header)}.${b64(payload)}`
  const sig = signWith === null ? "" : createHmac("sha256", signWith).update(input).digest("base64url")
  return `${input}.${sig}`
}

describe("record tokens", () => {
  it("signs an auth token with PocketBase's header and claims", () => {
    const token = signAuthToken(subject, { secret, now: NOW })
    const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url").toString()))
    expect(header).toEqual({ alg: "HS256", typ: "JWT" })
    expect(Object.keys(header)).toEqual(["alg", "typ"])
    expect(payload).toEqual({
      collectionId: subject.collectionId,
      exp: NOW / 1000 + AUTH_TOKEN_DURATION,
      id: subject.id,
      refreshable: true,
      type: "auth",
    })
    expect(payload.iat).toBeUndefined()
  })

  it("round-trips through verify with the same key", () => {
    const token = signAuthToken(subject, { secret, now: NOW, refreshable: false })
    const claims = verify(token, key, NOW + 1000)
    expect(claims).toMatchObject({ id: subject.id, type: "auth", collectionId: subject.collectionId, refreshable: false })
  })

  it("uses tokenKey followed by the secret as the key", () => {
    expect(signingKey("abc", "xyz")).toBe("abcxyz")
    const token = signAuthToken(subject, { secret, now: NOW })
    expect(verify(token, secret + subject.tokenKey, NOW)).toBeNull()
    expect(verify(token, signingKey("other".repeat(10), secret), NOW)).toBeNull()
    expect(verify(token, signingKey(subject.tokenKey, "other-secret"), NOW)).toBeNull()
  })

  it("rejects an expired token, using exp as the first invalid second", () => {
    const token = signAuthToken(subject, { secret, duration: 60, now: NOW })
    expect(verify(token, key, NOW + 59_999)).not.toBeNull()
    expect(verify(token, key, NOW + 60_000)).toBeNull()
    expect(verify(token, key, NOW + 3_600_000)).toBeNull()
  })

  it("rejects a wrong signature", () => {
    const token = signAuthToken(subject, { secret, now: NOW })
    const [h, p, s] = token.split(".") as [string, string, string]
    const flipped = s.slice(0, 10) + (s[10] === "A" ? "B" : "A") + s.slice(11)
    expect(verify(`${h}.${p}.${flipped}`, key, NOW)).toBeNull()
    expect(verify(`${h}.${p}.`, key, NOW)).toBeNull()
    expect(verify(`${h}.${p}.${s}AA`, key, NOW)).toBeNull()
  })

  it("rejects a tampered payload even though decodeUnverified accepts it", () => {
    const token = signAuthToken(subject, { secret, now: NOW })
    const [h, , s] = token.split(".")
    const forged = `${h}.${b64({ id: "superuser0000000", type: "auth", collectionId: "pbc_3142635823", exp: 9e9 })}.${s}`
    expect(decodeUnverified(forged)?.id).toBe("superuser0000000")
    expect(verify(forged, key, NOW)).toBeNull()
  })

  it("accepts only the HS256 algorithm", () => {
    const payload = { id: "a", type: "auth", collectionId: "c", exp: NOW / 1000 + 60 }
    expect(verify(craft({ alg: "HS256", typ: "JWT" }, payload), key, NOW)).not.toBeNull()
    expect(verify(craft({ alg: "none", typ: "JWT" }, payload, null), key, NOW)).toBeNull()
    expect(verify(craft({ alg: "none", typ: "JWT" }, payload), key, NOW)).toBeNull()
    expect(verify(craft({ alg: "HS512", typ: "JWT" }, payload), key, NOW)).toBeNull()
    expect(verify(craft({ typ: "JWT" }, payload), key, NOW)).toBeNull()
  })

  it("requires a numeric exp and honours nbf", () => {
    const base = { id: "a", type: "auth", collectionId: "c" }
    const header = { alg: "HS256", typ: "JWT" }
    expect(verify(craft(header, base), key, NOW)).toBeNull()
    expect(verify(craft(header, { ...base, exp: String(NOW / 1000 + 60) }), key, NOW)).toBeNull()
    expect(verify(craft(header, { ...base, exp: NOW / 1000 + 60, nbf: NOW / 1000 + 10 }), key, NOW)).toBeNull()
    expect(verify(craft(header, { ...base, exp: NOW / 1000 + 60, nbf: NOW / 1000 }), key, NOW)).not.toBeNull()
  })

  it("requires non-empty string id, collectionId and type", () => {
    const header = { alg: "HS256", typ: "JWT" }
    const exp = NOW / 1000 + 60
    for (const payload of [
      { type: "auth", collectionId: "c", exp },
      { id: "", type: "auth", collectionId: "c", exp },
      { id: 1, type: "auth", collectionId: "c", exp },
      { id: "a", collectionId: "c", exp },
      { id: "a", type: "auth", collectionId: null, exp },
    ]) {
      const token = craft(header, payload)
      expect(decodeUnverified(token)).toBeNull()
      expect(verify(token, key, NOW)).toBeNull()
    }
  })

  it("issues the other token kinds with their own claims and durations", () => {
    const withEmail = { ...subject, email: "a@b.c" }
    const decode = (token: string) => decodeUnverified(token)
    expect(decode(signVerificationToken(withEmail, { secret, now: NOW }))).toEqual({
      collectionId: subject.collectionId, email: "a@b.c", exp: NOW / 1000 + 86_400, id: subject.id, type: "verification",
    })
    expect(decode(signPasswordResetToken(withEmail, { secret, now: NOW }))).toEqual({
      collectionId: subject.collectionId, email: "a@b.c", exp: NOW / 1000 + 1_800, id: subject.id, type: "passwordReset",
    })
    expect(decode(signEmailChangeToken({ ...withEmail, newEmail: "n@b.c" }, { secret, now: NOW }))).toEqual({
      collectionId: subject.collectionId, email: "a@b.c", exp: NOW / 1000 + 1_800, id: subject.id, newEmail: "n@b.c",
      type: "emailChange",
    })
    const file = signFileToken(subject, { secret, now: NOW })
    expect(decode(file)).toEqual({ collectionId: subject.collectionId, exp: NOW / 1000 + FILE_TOKEN_DURATION, id: subject.id, type: "file" })
    expect(verify(file, key, NOW)).not.toBeNull()
  })

  it("lets an explicit duration override the default", () => {
    const token = signAuthToken(subject, { secret, duration: 86_400, now: NOW })
    expect(decodeUnverified(token)?.exp).toBe(NOW / 1000 + 86_400)
  })
})

describe("malformed tokens", () => {
  const valid = signAuthToken(subject, { secret, now: NOW })
  const header = b64({ alg: "HS256", typ: "JWT" })
  const garbage: unknown[] = [
    undefined, null, 42, {}, [], "", ".", "..", "...", "a.b.c", "a.b", "a.b.c.d",
    `${header}.!!!.sig`, `${header}.${b64("not json")}.sig`, `${header}.${b64("[1,2]")}.sig`,
    `${header}.${b64("null")}.sig`, `${header}.${b64('"str"')}.sig`, `${b64("{")}.${b64("{}")}.x`,
    `${header}.a.sig`, `${header}.${b64({ id: "a" })}=.sig`, `${header}.${b64({ id: "a" })}`,
    valid.replace(".", ".."), valid + ".", `Bearer ${valid}`, ` ${valid}`,
    "x".repeat(1_000_000), `${header}.${"A".repeat(2_000_000)}.x`, "\u0000\uffff.\ud800.\u{1F600}",
  ]

  it("returns null and never throws for garbage input", () => {
    for (const token of garbage) {
      expect(() => decodeUnverified(token)).not.toThrow()
      expect(() => verify(token, key, NOW)).not.toThrow()
      expect(decodeUnverified(token)).toBeNull()
      expect(verify(token, key, NOW)).toBeNull()
    }
  })

  it("survives random byte strings", () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(1 + (i % 300)))
      const text = i % 2 ? Buffer.from(bytes).toString("latin1") : Buffer.from(bytes).toString("base64url").replace(/(.{20})/g, "$1.")
      expect(verify(text, key, NOW)).toBeNull()
      expect(() => decodeUnverified(text)).not.toThrow()
    }
  })
})
