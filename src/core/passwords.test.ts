import { describe, expect, it } from "bun:test"
import { PasswordTooLongError, dummyVerify, hashPassword, verifyPassword } from "./passwords.ts"

// Made by PocketBase v0.40.6 (`superuser upsert a@b.c 1234567890`), so this runs without the binary.
const POCKETBASE_HASH = "$2a$10$b.9EoRMjSR6DIrnDpsqA2..QHThfIB2hfAPwto/ABtbeNi17ZZiy6"

describe("passwords", () => {
  it("verifies a hash made by PocketBase", async () => {
    expect(await verifyPassword("1234567890", POCKETBASE_HASH)).toBe(true)
    expect(await verifyPassword("1234567891", POCKETBASE_HASH)).toBe(false)
  })

  it("hashes with bcrypt at cost 10 by default and verifies its own hashes", async () => {
    const hash = await hashPassword("correct horse")
    expect(hash).toMatch(/^\$2[ab]\$10\$[./A-Za-z0-9]{53}$/)
    expect(await verifyPassword("correct horse", hash)).toBe(true)
    expect(await verifyPassword("correct horsE", hash)).toBe(false)
  })

  it("honours an explicit cost and treats cost 0 as the default", async () => {
    expect(await hashPassword("pw", 4)).toStartWith("$2b$04$")
    expect(await hashPassword("pw", 0)).toMatch(/^\$2b\$10\$/)
  })

  it("refuses to hash passwords over 72 bytes", async () => {
    await expect(hashPassword("é".repeat(37))).rejects.toBeInstanceOf(PasswordTooLongError)
    expect(await hashPassword("a".repeat(72), 4)).toStartWith("$2b$04$")
  })

  it("ignores bytes past 72 when verifying, as Go's bcrypt does", async () => {
    const hash = await hashPassword("a".repeat(72), 4)
    expect(await verifyPassword("a".repeat(72) + "extra", hash)).toBe(true)
    expect(await verifyPassword("a".repeat(71), hash)).toBe(false)
  })

  it("treats empty or malformed hashes as a mismatch", async () => {
    expect(await verifyPassword("x", "")).toBe(false)
    expect(await verifyPassword("x", "$2b$10$garbage")).toBe(false)
    expect(await verifyPassword("x", "plain")).toBe(false)
    expect(await verifyPassword("", POCKETBASE_HASH)).toBe(false)
  })

  it("dummyVerify takes about as long as a real comparison", async () => {
    const real = await hashPassword("secret-password")
    const time = async (fn: () => Promise<unknown>) => {
      const start = performance.now()
      await fn()
      return performance.now() - start
    }
    const realMs = await time(() => verifyPassword("wrong", real))
    const dummyMs = await time(() => dummyVerify("wrong"))
    const emptyMs = await time(() => dummyVerify())
    expect(dummyMs).toBeGreaterThan(realMs / 3)
    expect(emptyMs).toBeGreaterThan(realMs / 3)
  })
})
