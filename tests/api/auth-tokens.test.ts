/**
 * Auth tokens as the server reads them: valid, Bearer-prefixed, malformed, forged, unsigned,
 * expired, from another auth collection, after a password or email change, after the record is
 * deleted, and superuser versus user tokens. Records CRUD treats every bad token as a guest;
 * auth-refresh and the collections API answer 401/403; nothing answers 500. Runs against pocketbun
 * and, where installed, the reference PocketBase.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { MALFORMED_TOKENS, claimsOf, forgedToken, impersonationToken, unsignedToken } from "../fixtures/tokens.ts"

const PASSWORD = "password123"
const USERS_ID = "_pb_users_auth_"
const SUPERUSERS_ID = "pbc_3142635823"
const NEEDS_TOKEN = { status: 401, message: "The request requires valid record authorization token.", data: {} }
const NOT_ALLOWED = { status: 403, message: "The authorized record is not allowed to perform this action.", data: {} }

/** What one Authorization header value gets from the endpoints that read it. */
interface Seen {
  /** ids listed from `users` (listRule `id = @request.auth.id`) */
  users: string[]
  /** status of viewing the record the token claims to be */
  view: number
  /** auth-refresh on `users`: status and message */
  refresh: { status: number; message?: string }
  /** GET /api/collections status */
  collections: number
}

for (const target of conformanceTargets()) {
  describe(`auth tokens (${target.name})`, () => {
    let server: TestServer
    const ids: Record<string, string> = {}
    const tokens: Record<string, string> = {}

    async function send(path: string, token: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
      const response = await fetch(server.url + path, { ...init, headers: { "content-type": "application/json", authorization: token } })
      const text = await response.text()
      return { status: response.status, body: text ? JSON.parse(text) : null }
    }

    async function seenWith(token: string, viewId = ids.alice!): Promise<Seen> {
      const list = await send("/api/collections/users/records", token)
      expect(list.status).toBe(200)
      const refresh = await send("/api/collections/users/auth-refresh", token, { method: "POST" })
      return {
        users: list.body.items.map((r: { id: string }) => r.id),
        view: (await send(`/api/collections/users/records/${viewId}`, token)).status,
        refresh: refresh.status === 200 ? { status: 200 } : { status: refresh.status, message: refresh.body.message },
        collections: (await send("/api/collections", token)).status,
      }
    }

    const guest = (): Seen => ({ users: [], view: 404, refresh: { status: 401, message: NEEDS_TOKEN.message }, collections: 401 })

    async function login(email: string, password = PASSWORD, collection = "users"): Promise<string> {
      const pb = server.client()
      return (await pb.collection(collection).authWithPassword(email, password)).token
    }

    beforeAll(async () => {
      server = await target.start()
      await server.admin.collections.create({
        name: "staff",
        type: "auth",
        listRule: "id = @request.auth.id",
        viewRule: "id = @request.auth.id",
        fields: [{ name: "name", type: "text" }],
      })
      for (const name of ["alice", "bob", "carl", "dora"]) {
        ids[name] = (await server.admin.collection("users").create({ email: `${name}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD })).id
      }
      ids.sam = (await server.admin.collection("staff").create({ email: "sam@example.com", password: PASSWORD, passwordConfirm: PASSWORD })).id
      tokens.alice = await login("alice@example.com")
    }, 30_000)
    afterAll(async () => {
      await server?.stop()
    })

    it("a valid user token makes the request that user", async () => {
      expect(await seenWith(tokens.alice!)).toEqual({ users: [ids.alice!], view: 200, refresh: { status: 200 }, collections: 403 })
    })

    it("accepts the token with a Bearer prefix, in any case", async () => {
      expect((await seenWith(`Bearer ${tokens.alice}`)).users).toEqual([ids.alice!])
      expect((await seenWith(`bEaReR ${tokens.alice}`)).users).toEqual([ids.alice!])
    })

    it("issues PocketBase's claims", () => {
      const claims = claimsOf(tokens.alice!)
      expect(Object.keys(claims).sort()).toEqual(["collectionId", "exp", "id", "refreshable", "type"])
      expect(claims).toMatchObject({ id: ids.alice, collectionId: USERS_ID, type: "auth", refreshable: true })
      expect(claims.exp as number).toBeGreaterThan(Date.now() / 1000 + 432_000 - 60)
    })

    for (const [name, token] of Object.entries(MALFORMED_TOKENS)) {
      it(`treats ${name} as a guest`, async () => {
        expect(await seenWith(token)).toEqual(guest())
      })
    }

    it("treats a token signed with another key as a guest", async () => {
      expect(await seenWith(forgedToken({ id: ids.alice!, collectionId: USERS_ID }))).toEqual(guest())
    })

    it("treats an unsigned (alg none) token as a guest", async () => {
      expect(await seenWith(unsignedToken({ id: ids.alice!, collectionId: USERS_ID }))).toEqual(guest())
    })

    it("treats a forged superuser token as a guest", async () => {
      const superuserId = server.admin.authStore.record!.id
      expect(await seenWith(forgedToken({ id: superuserId, collectionId: SUPERUSERS_ID }))).toEqual(guest())
    })

    it("treats a token whose claims name the wrong collection as a guest", async () => {
      expect(await seenWith(forgedToken({ id: ids.alice!, collectionId: SUPERUSERS_ID }))).toEqual(guest())
    })

    it("treats an expired token as a guest", async () => {
      // Minted here, not in beforeAll: a 2 s token must still be valid for the first check.
      const expiring = await impersonationToken(server.admin, "users", ids.alice!, 2)
      expect((await seenWith(expiring)).users).toEqual([ids.alice!])
      const deadline = Date.now() + 6_000
      while (JSON.stringify(await seenWith(expiring)) !== JSON.stringify(guest())) {
        if (Date.now() > deadline) throw new Error("the token was still accepted 6 s after it was issued for 2 s")
        await Bun.sleep(100)
      }
      expect(await seenWith(expiring)).toEqual(guest())
    }, 10_000)

    it("a token of another auth collection is that record, not a user", async () => {
      const sam = await login("sam@example.com", PASSWORD, "staff")
      expect(await seenWith(sam)).toEqual({
        users: [],
        view: 404,
        refresh: { status: 403, message: "The request requires auth record from staff collection." },
        collections: 403,
      })
      expect((await send("/api/collections/staff/auth-refresh", sam, { method: "POST" })).status).toBe(200)
    })

    it("a user token cannot refresh as a superuser, nor the other way round", async () => {
      const asSuperuser = await send("/api/collections/_superusers/auth-refresh", tokens.alice!, { method: "POST" })
      expect(asSuperuser).toEqual({ status: 403, body: { status: 403, message: "The request requires auth record from users collection.", data: {} } })
      const superuserOnUsers = await send("/api/collections/users/auth-refresh", server.admin.authStore.token, { method: "POST" })
      expect(superuserOnUsers.body).toEqual({ status: 403, message: "The request requires auth record from _superusers collection.", data: {} })
    })

    it("a superuser token bypasses rules and reaches the collections API; a user token gets 403 there", async () => {
      const superuser = server.admin.authStore.token
      const list = await send("/api/collections/users/records?sort=email", superuser)
      expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([ids.alice, ids.bob, ids.carl, ids.dora])
      expect((await send("/api/collections", superuser)).status).toBe(200)
      expect((await send("/api/collections", tokens.alice!)).body).toEqual(NOT_ALLOWED)
      expect((await send("/api/collections", "garbage")).body).toEqual(NEEDS_TOKEN)
    })

    it("a password change invalidates the user's earlier tokens", async () => {
      const before = await login("bob@example.com")
      const pb = server.client()
      pb.authStore.save(before)
      await pb.collection("users").update(ids.bob!, { oldPassword: PASSWORD, password: "newpassword1", passwordConfirm: "newpassword1" })
      expect(await seenWith(before, ids.bob)).toEqual(guest())
      const after = await login("bob@example.com", "newpassword1")
      expect((await seenWith(after, ids.bob)).users).toEqual([ids.bob!])
      const oldPassword = await send("/api/collections/users/auth-with-password", "", { method: "POST", body: JSON.stringify({ identity: "bob@example.com", password: PASSWORD }) })
      expect(oldPassword.body).toEqual({ status: 400, message: "Failed to authenticate.", data: {} })
    })

    it("an email change invalidates the user's earlier tokens", async () => {
      const before = await login("carl@example.com")
      await server.admin.collection("users").update(ids.carl!, { email: "carl2@example.com" })
      expect(await seenWith(before, ids.carl)).toEqual(guest())
      expect((await seenWith(await login("carl2@example.com"), ids.carl)).users).toEqual([ids.carl!])
    })

    it("an unrelated update keeps the user's tokens valid", async () => {
      await server.admin.collection("users").update(ids.alice!, { name: "Alice", verified: true })
      expect((await seenWith(tokens.alice!)).users).toEqual([ids.alice!])
    })

    it("deleting the user turns their token into a guest's", async () => {
      const token = await login("dora@example.com")
      await server.admin.collection("users").delete(ids.dora!)
      expect(await seenWith(token, ids.dora)).toEqual(guest())
    })
  })
}
