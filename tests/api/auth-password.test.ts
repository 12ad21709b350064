/**
 * Auth endpoints through the SDK: auth-with-password (identity fields, validation, authRule,
 * `@request.context`), superuser login, auth-refresh (refreshable or echoed), impersonate,
 * auth-methods, and expand/fields on `{token, record}`. Runs against pocketbun and, where
 * installed, the reference PocketBase.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import PocketBase from "pocketbase"
import { conformanceTargets, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, type TestServer } from "../support/servers.ts"
import { errorBody, failure } from "../support/records-fixture.ts"
import { claimsOf, impersonationToken } from "../fixtures/tokens.ts"

const PASSWORD = "password123"
const AUTH_RULE_DENIED = { status: 403, message: "The request doesn't satisfy the collection requirements to authenticate.", data: {} }
const FAILED = { status: 400, message: "Failed to authenticate.", data: {} }

for (const target of conformanceTargets()) {
  describe(`auth with password (${target.name})`, () => {
    let server: TestServer
    let ann: string
    let ben: string
    let teamA: string

    const client = (): PocketBase => {
      const pb = server.client()
      pb.autoCancellation(false)
      return pb
    }
    const setAuthRule = (authRule: string | null) => server.admin.collections.update("users", { authRule })

    async function post(path: string, body: unknown, token = ""): Promise<{ status: number; body: any }> {
      const response = await fetch(server.url + path, { method: "POST", headers: { "content-type": "application/json", authorization: token }, body: JSON.stringify(body) })
      return { status: response.status, body: await response.json() }
    }

    beforeAll(async () => {
      server = await target.start()
      const teams = await server.admin.collections.create({ name: "teams", listRule: null, viewRule: "owner = @request.auth.id", fields: [{ name: "name", type: "text" }, { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 }] })
      const users = await server.admin.collections.getOne("users")
      await server.admin.collections.update("users", {
        fields: [
          ...users.fields,
          { name: "username", type: "text" },
          { name: "handle", type: "text" },
          { name: "note", type: "text", hidden: true },
          { name: "team", type: "relation", collectionId: teams.id, maxSelect: 1 },
        ],
        indexes: ["CREATE UNIQUE INDEX `idx_users_username` ON `users` (`username`)", "CREATE UNIQUE INDEX `idx_users_handle` ON `users` (`handle` COLLATE NOCASE)"],
        passwordAuth: { enabled: true, identityFields: ["email", "username", "handle"] },
      })
      ann = (await server.admin.collection("users").create({ email: "ann@example.com", username: "ann", handle: "Ann_H", note: "hidden", verified: true, password: PASSWORD, passwordConfirm: PASSWORD })).id
      ben = (await server.admin.collection("users").create({ email: "ben@example.com", username: "ben", handle: "ben_h", verified: false, password: PASSWORD, passwordConfirm: PASSWORD })).id
      teamA = (await server.admin.collection("teams").create({ name: "A", owner: ann })).id
      await server.admin.collection("users").update(ann, { team: teamA })
    }, 30_000)
    afterAll(async () => {
      await server?.stop()
    })

    it("returns a token and the full record, email included, secrets and hidden fields excluded", async () => {
      const pb = client()
      const auth = await pb.collection("users").authWithPassword("ann@example.com", PASSWORD)
      expect(pb.authStore.isValid).toBe(true)
      expect(pb.authStore.record?.id).toBe(ann)
      expect(auth.record).toMatchObject({ id: ann, email: "ann@example.com", emailVisibility: false, verified: true, username: "ann", collectionName: "users" })
      expect(Object.keys(auth.record)).not.toContain("password")
      expect(Object.keys(auth.record)).not.toContain("tokenKey")
      expect(Object.keys(auth.record)).not.toContain("note")
      expect(Object.keys(auth).sort()).toEqual(["record", "token"])
    })

    it("signs superusers in through the _superusers collection", async () => {
      const pb = client()
      const auth = await pb.collection("_superusers").authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD)
      expect(pb.authStore.isSuperuser).toBe(true)
      expect(auth.record).toMatchObject({ email: SUPERUSER_EMAIL, collectionName: "_superusers", verified: true })
      expect(Object.keys(auth.record)).not.toContain("password")
      expect(claimsOf(auth.token).exp as number).toBeLessThan(Date.now() / 1000 + 86_400 + 60)
    })

    it("looks identities up in every identity field with a unique index", async () => {
      expect((await client().collection("users").authWithPassword("ann", PASSWORD)).record.id).toBe(ann)
      expect((await client().collection("users").authWithPassword("ben_h", PASSWORD)).record.id).toBe(ben)
    })

    it("matches case-insensitively only where the index column is COLLATE NOCASE", async () => {
      expect((await client().collection("users").authWithPassword("ANN_h", PASSWORD)).record.id).toBe(ann)
      expect(errorBody(await failure(client().collection("users").authWithPassword("ANN", PASSWORD)))).toEqual(FAILED)
      expect(errorBody(await failure(client().collection("users").authWithPassword("ANN@example.com", PASSWORD)))).toEqual(FAILED)
    })

    it("honours an explicit identityField", async () => {
      const explicit = await post("/api/collections/users/auth-with-password", { identity: "ann", password: PASSWORD, identityField: "username" })
      expect(explicit.status).toBe(200)
      const wrongField = await post("/api/collections/users/auth-with-password", { identity: "ann", password: PASSWORD, identityField: "handle" })
      expect(wrongField.body).toEqual(FAILED)
      const notAnIdentityField = await post("/api/collections/users/auth-with-password", { identity: "ann", password: PASSWORD, identityField: "name" })
      expect(notAnIdentityField.body.data).toEqual({ identityField: { code: "validation_in_invalid", message: "Must be a valid value." } })
    })

    it("answers a wrong password and an unknown identity alike", async () => {
      expect(errorBody(await failure(client().collection("users").authWithPassword("ann@example.com", "wrong-password")))).toEqual(FAILED)
      expect(errorBody(await failure(client().collection("users").authWithPassword("nobody@example.com", PASSWORD)))).toEqual(FAILED)
    })

    it("validates and loads the body as PocketBase does", async () => {
      expect((await post("/api/collections/users/auth-with-password", {})).body).toEqual({
        status: 400,
        message: "An error occurred while validating the submitted data.",
        data: { identity: { code: "validation_required", message: "Cannot be blank." }, password: { code: "validation_required", message: "Cannot be blank." } },
      })
      expect((await post("/api/collections/users/auth-with-password", { identity: 5, password: "x" })).body).toEqual({ status: 400, message: "An error occurred while loading the submitted data.", data: {} })
      expect((await post("/api/collections/users/auth-with-password", [1])).body.message).toBe("An error occurred while loading the submitted data.")
    })

    it("answers 404 for unknown and non-auth collections", async () => {
      expect((await post("/api/collections/nope/auth-with-password", { identity: "a", password: "b" })).body).toEqual({ status: 404, message: "Missing or invalid collection context.", data: {} })
      expect((await post("/api/collections/teams/auth-with-password", { identity: "a", password: "b" })).body).toEqual({ status: 404, message: "Missing or invalid auth collection context.", data: {} })
    })

    it("refuses with 403 when password auth is disabled", async () => {
      await server.admin.collections.update("users", { passwordAuth: { enabled: false } })
      try {
        const denied = await failure(client().collection("users").authWithPassword("ann@example.com", PASSWORD))
        expect(errorBody(denied)).toEqual({ status: 403, message: "The collection is not configured to allow password authentication.", data: {} })
        const methods = await client().collection("users").listAuthMethods()
        expect(methods.password).toEqual({ enabled: false, identityFields: [] })
      } finally {
        await server.admin.collections.update("users", { passwordAuth: { enabled: true, identityFields: ["email", "username", "handle"] } })
      }
    })

    describe("authRule", () => {
      afterAll(async () => {
        await setAuthRule("")
      })

      it("refuses records the rule does not match, with 403", async () => {
        await setAuthRule("verified = true")
        expect((await client().collection("users").authWithPassword("ann@example.com", PASSWORD)).record.id).toBe(ann)
        expect(errorBody(await failure(client().collection("users").authWithPassword("ben@example.com", PASSWORD)))).toEqual(AUTH_RULE_DENIED)
      })

      it("lets a superuser requester through whatever the rule says", async () => {
        await setAuthRule("verified = true")
        const response = await post("/api/collections/users/auth-with-password", { identity: "ben@example.com", password: PASSWORD }, server.admin.authStore.token)
        expect(response.status).toBe(200)
        expect(response.body.record.id).toBe(ben)
      })

      it("locks everyone out when null", async () => {
        await setAuthRule(null)
        expect(errorBody(await failure(client().collection("users").authWithPassword("ann@example.com", PASSWORD)))).toEqual(AUTH_RULE_DENIED)
      })

      it("sees @request.context = password and the submitted body", async () => {
        await setAuthRule('@request.context = "password" && @request.body.identity = "ann"')
        expect((await client().collection("users").authWithPassword("ann", PASSWORD)).record.id).toBe(ann)
        expect(errorBody(await failure(client().collection("users").authWithPassword("ann@example.com", PASSWORD)))).toEqual(AUTH_RULE_DENIED)
      })

      it("sees the requester's previous auth as @request.auth (a guest logging in has none)", async () => {
        await setAuthRule('@request.auth.id != ""')
        expect(errorBody(await failure(client().collection("users").authWithPassword("ann@example.com", PASSWORD)))).toEqual(AUTH_RULE_DENIED)
      })

      it("is checked again on refresh, where the context is no longer password", async () => {
        await setAuthRule('verified = true')
        const pb = client()
        await pb.collection("users").authWithPassword("ann@example.com", PASSWORD)
        expect((await pb.collection("users").authRefresh()).record.id).toBe(ann)
        await server.admin.collection("users").update(ann, { verified: false })
        try {
          expect(errorBody(await failure(pb.collection("users").authRefresh()))).toEqual(AUTH_RULE_DENIED)
        } finally {
          await server.admin.collection("users").update(ann, { verified: true })
        }
      })
    })

    describe("auth-refresh", () => {
      it("issues a new refreshable token with the record", async () => {
        const pb = client()
        await pb.collection("users").authWithPassword("ann@example.com", PASSWORD)
        const refreshed = await pb.collection("users").authRefresh()
        expect(refreshed.record).toMatchObject({ id: ann, email: "ann@example.com" })
        expect(claimsOf(refreshed.token)).toMatchObject({ id: ann, refreshable: true, type: "auth" })
        expect(pb.authStore.token).toBe(refreshed.token)
      })

      it("echoes a non-refreshable (impersonation) token unchanged", async () => {
        const token = await impersonationToken(server.admin, "users", ben, 3600)
        expect(claimsOf(token).refreshable).toBe(false)
        const response = await post("/api/collections/users/auth-refresh", {}, token)
        expect(response.status).toBe(200)
        expect(response.body.token).toBe(token)
        expect(response.body.record.id).toBe(ben)
      })

      it("answers 401 without a token and 404 for an unknown collection", async () => {
        expect((await post("/api/collections/users/auth-refresh", {})).body).toEqual({ status: 401, message: "The request requires valid record authorization token.", data: {} })
        expect((await post("/api/collections/nope/auth-refresh", {})).body).toEqual({ status: 404, message: "Missing or invalid collection context.", data: {} })
      })
    })

    describe("impersonate", () => {
      it("is for superusers only", async () => {
        expect((await post(`/api/collections/users/impersonate/${ann}`, {})).body).toEqual({ status: 401, message: "The request requires valid record authorization token.", data: {} })
        const user = (await client().collection("users").authWithPassword("ben@example.com", PASSWORD)).token
        expect((await post(`/api/collections/users/impersonate/${ann}`, {}, user)).body).toEqual({ status: 403, message: "The authorized record is not allowed to perform this action.", data: {} })
      })

      it("uses the collection's duration when none is given and validates the duration", async () => {
        const superuser = server.admin.authStore.token
        const response = await post(`/api/collections/users/impersonate/${ann}`, {}, superuser)
        expect(claimsOf(response.body.token).exp as number).toBeGreaterThan(Date.now() / 1000 + 432_000 - 60)
        expect((await post(`/api/collections/users/impersonate/${ann}`, { duration: -1 }, superuser)).body.data).toEqual({
          duration: { code: "validation_min_greater_equal_than_required", message: "Must be no less than 0.", params: { threshold: 0 } },
        })
        expect((await post(`/api/collections/users/impersonate/nope`, {}, superuser)).status).toBe(404)
        expect((await post(`/api/collections/teams/impersonate/${ann}`, {}, superuser)).body.message).toBe("Missing or invalid auth collection context.")
      })
    })

    describe("expand and fields on auth responses", () => {
      it("expands relations as the authenticated record (whose viewRule access applies)", async () => {
        const auth = await client().collection("users").authWithPassword("ann@example.com", PASSWORD, { expand: "team" })
        expect(auth.record.expand?.team).toMatchObject({ id: teamA, name: "A" })
      })

      it("picks fields across token and record", async () => {
        const auth = await client().collection("users").authWithPassword("ann@example.com", PASSWORD, { expand: "team", fields: "token,record.id,record.expand.team.name" })
        expect(Object.keys(auth).sort()).toEqual(["record", "token"])
        expect(auth.record).toEqual({ id: ann, expand: { team: { name: "A" } } } as never)
      })

      it("applies them on refresh too", async () => {
        const pb = client()
        await pb.collection("users").authWithPassword("ann@example.com", PASSWORD)
        const refreshed = await pb.collection("users").authRefresh({ expand: "team", fields: "record.email,record.expand" })
        expect(Object.keys(refreshed.record).sort()).toEqual(["email", "expand"])
        expect(refreshed.record.expand?.team).toMatchObject({ id: teamA })
      })
    })

    it("lists auth methods in the SDK's shape", async () => {
      const methods = await client().collection("users").listAuthMethods()
      expect(methods.password).toEqual({ enabled: true, identityFields: ["email", "username", "handle"] })
      expect(methods.oauth2).toEqual({ enabled: false, providers: [] })
      expect(methods.mfa).toEqual({ enabled: false, duration: 0 })
      expect(methods.otp).toEqual({ enabled: false, duration: 0 })
    })
  })
}
