/**
 * Brute-force protection on auth-with-password (pocketbun only: PocketBase has no login 429 by
 * default). Policy, as the README states it: after 5 failures for one identity from one IP, or 20
 * from one IP, within 60 seconds, further attempts get 429 until the window ends; a successful
 * login clears its identity's count.
 */
import { afterEach, beforeEach, describe, expect, it } from "bun:test"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"

const PASSWORD = "password123"
const TOO_MANY = { status: 429, message: "Too Many Requests.", data: {} }

describe("login throttling (pocketbun)", () => {
  let server: PocketbunServer

  async function login(identity: string, password: string, collection = "users"): Promise<{ status: number; body: any }> {
    const response = await fetch(`${server.url}/api/collections/${collection}/auth-with-password`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identity, password }),
    })
    return { status: response.status, body: await response.json() }
  }

  const statuses = async (count: number, identity: string, password: string): Promise<number[]> => {
    const seen: number[] = []
    for (let i = 0; i < count; i++) seen.push((await login(identity, password)).status)
    return seen
  }

  beforeEach(async () => {
    server = await startPocketbun()
    for (const name of ["ann", "ben"]) {
      await server.admin.collection("users").create({ email: `${name}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD })
    }
  })
  afterEach(async () => {
    await server.stop()
  })

  it("refuses an identity with 429 after 5 failures from one IP, even with the right password", async () => {
    expect(await statuses(5, "ann@example.com", "wrong-password")).toEqual([400, 400, 400, 400, 400])
    expect((await login("ann@example.com", PASSWORD)).body).toEqual(TOO_MANY)
  })

  it("keeps other identities from the same IP working", async () => {
    await statuses(5, "ann@example.com", "wrong-password")
    expect((await login("ben@example.com", PASSWORD)).status).toBe(200)
  })

  it("counts per collection", async () => {
    await statuses(5, "ann@example.com", "wrong-password")
    expect((await login("ann@example.com", "wrong-password", "_superusers")).body.message).toBe("Failed to authenticate.")
  })

  it("clears an identity's failures on a successful login", async () => {
    expect(await statuses(4, "ann@example.com", "wrong-password")).toEqual([400, 400, 400, 400])
    expect((await login("ann@example.com", PASSWORD)).status).toBe(200)
    expect(await statuses(5, "ann@example.com", "wrong-password")).toEqual([400, 400, 400, 400, 400])
    expect((await login("ann@example.com", PASSWORD)).status).toBe(429)
  })

  it("refuses every login from an IP after 20 failures across identities", async () => {
    for (let i = 0; i < 20; i++) expect((await login(`nobody${i}@example.com`, "wrong-password")).status).toBe(400)
    expect((await login("ben@example.com", PASSWORD)).body).toEqual(TOO_MANY)
  }, 30_000) // 21 bcrypt checks in a row (unknown identities compare against a dummy hash too)

  it("throttles only password logins, not validation failures", async () => {
    for (let i = 0; i < 10; i++) expect((await login("", "")).status).toBe(400)
    expect((await login("ann@example.com", PASSWORD)).status).toBe(200)
  })
})

describe("login throttling settings (pocketbun)", () => {
  it("follows --loginMaxFailures and --loginWindow", async () => {
    const server = await startPocketbun({ loginMaxFailures: 2, loginWindow: 600 })
    try {
      const attempt = () =>
        fetch(`${server.url}/api/collections/_superusers/auth-with-password`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ identity: "nobody@example.com", password: "wrong-password" }),
        })
      expect((await attempt()).status).toBe(400)
      expect((await attempt()).status).toBe(400)
      expect((await attempt()).status).toBe(429)
    } finally {
      await server.stop()
    }
  })
})
