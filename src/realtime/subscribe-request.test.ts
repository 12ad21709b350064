import { describe, expect, it } from "bun:test"
import { ApiError, forbidden } from "../core/errors.ts"
import type { AuthContext } from "../core/types.ts"
import { Hook, type RealtimeSubscribeRequestEvent } from "../hooks/index.ts"
import { Client, STORE_IP } from "./client.ts"
import { Hub } from "./hub.ts"
import { applySubscriptions, type SubscribeRequest } from "./subscribe-request.ts"
import { authAs, superusers } from "../../tests/support/realtime-units.ts"

const IP = "127.0.0.1"

type Outcome = { ok: true } | { ok: false; error: ApiError }

/** A hub with one client "cid" and a subscribe hook that counts its calls; `apply` reports the outcome. */
function setup(stored: AuthContext | null = null) {
  const registry = new Hub({ onError: () => {} })
  const client = new Client({ id: "cid" })
  client.set(STORE_IP, IP)
  client.auth = stored
  client.subscribe("test0")
  registry.register(client)
  const hook = new Hook<RealtimeSubscribeRequestEvent>("onRealtimeSubscribeRequest")
  let hookCalls = 0
  hook.bindFunc((e) => (hookCalls++, e.next()))
  const hub = {
    applySubscriptions(request: SubscribeRequest): Outcome {
      try {
        void applySubscriptions(registry, hook, request)
        return { ok: true }
      } catch (error) {
        if (error instanceof ApiError) return { ok: false, error }
        throw error
      }
    },
  }
  return { hub, hook, client, hooks: () => hookCalls }
}

function failure(outcome: Outcome): ApiError {
  if (outcome.ok) throw new Error("expected the POST to fail")
  return outcome.error
}

const wire = (e: ApiError) => JSON.stringify(e.toJSON())

describe("POST /api/realtime checks", () => {
  it("unknown client id → 404 with empty data, no hooks (#6)", () => {
    const { hub, hooks } = setup()
    const e = failure(hub.applySubscriptions({ body: { clientId: "missing", subscriptions: ["test1", "test2"] }, ip: IP, auth: null }))
    expect(wire(e)).toBe('{"data":{},"message":"Missing or invalid client id.","status":404}')
    expect(hooks()).toBe(0)
  })

  it("{} → 400 clientId required, no subscriptions key (#7)", () => {
    const { hub, hooks } = setup()
    const e = failure(hub.applySubscriptions({ body: {}, ip: IP, auth: null }))
    expect(wire(e)).toBe(
      '{"data":{"clientId":{"code":"validation_required","message":"Cannot be blank."}},"message":"Something went wrong while processing your request.","status":400}',
    )
    expect(hooks()).toBe(0)
  })

  it("an empty body counts as {}", () => {
    const { hub } = setup()
    expect(failure(hub.applySubscriptions({ body: undefined, ip: IP, auth: null })).data).toHaveProperty("clientId")
  })

  it("type mismatches are bind errors with empty data", () => {
    const { hub } = setup()
    for (const body of [{ clientId: "cid", subscriptions: "x" }, { clientId: 5 }, [1], "text", { clientId: "cid", subscriptions: [1] }]) {
      expect(wire(failure(hub.applySubscriptions({ body, ip: IP, auth: null })))).toBe(
        '{"data":{},"message":"Something went wrong while processing your request.","status":400}',
      )
    }
  })

  it("clientId longer than 255 bytes is out of range", () => {
    const { hub } = setup()
    const e = failure(hub.applySubscriptions({ body: { clientId: "é".repeat(128) }, ip: IP, auth: null }))
    expect(JSON.stringify(e.data)).toBe(
      '{"clientId":{"code":"validation_length_out_of_range","message":"The length must be between 1 and 255.","params":{"max":255,"min":1}}}',
    )
  })

  it("1001 subscriptions → 400 too long, items unchecked (#8)", () => {
    const { hub, hooks } = setup()
    const subs = Array.from({ length: 1001 }, (_, i) => (i === 0 ? "a".repeat(3000) : `t${i}`))
    const e = failure(hub.applySubscriptions({ body: { clientId: "cid", subscriptions: subs }, ip: IP, auth: null }))
    expect(JSON.stringify(e.data)).toBe(
      '{"subscriptions":{"code":"validation_length_too_long","message":"The length must be no more than 1000.","params":{"max":1000,"min":0}}}',
    )
    expect(hooks()).toBe(0)
  })

  it("exactly 1000 subscriptions → ok, replacing the old set (#9)", () => {
    const { hub, client, hooks } = setup()
    const subs = Array.from({ length: 1000 }, (_, i) => `t${i}`)
    expect(hub.applySubscriptions({ body: { clientId: "cid", subscriptions: subs }, ip: IP, auth: null }).ok).toBe(true)
    expect(hooks()).toBe(1)
    expect(client.subscriptionCount).toBe(1000)
    expect(client.hasSubscription("test0")).toBe(false)
  })

  it("a topic over 2500 bytes is reported under its index (#10)", () => {
    const { hub, hooks } = setup()
    const e = failure(hub.applySubscriptions({ body: { clientId: "cid", subscriptions: ["abc", "a".repeat(2501)] }, ip: IP, auth: null }))
    expect(JSON.stringify(e.data)).toBe(
      '{"subscriptions":{"1":{"code":"validation_length_too_long","message":"The length must be no more than 2500.","params":{"max":2500,"min":0}}}}',
    )
    expect(hooks()).toBe(0)
  })

  it("topic length counts UTF-8 bytes, not characters", () => {
    const { hub } = setup()
    const e = failure(hub.applySubscriptions({ body: { clientId: "cid", subscriptions: ["é".repeat(1251)] }, ip: IP, auth: null }))
    expect(e.data).toHaveProperty("subscriptions.0")
  })

  it("both fields can fail together", () => {
    const { hub } = setup()
    const e = failure(hub.applySubscriptions({ body: { clientId: "", subscriptions: ["a".repeat(2501)] }, ip: IP, auth: null }))
    expect(Object.keys(e.data)).toEqual(["clientId", "subscriptions"])
  })

  it("another IP than the stream's → 400 Invalid realtime client. (#11)", () => {
    const { hub, hooks } = setup()
    const e = failure(hub.applySubscriptions({ body: { clientId: "cid", subscriptions: ["a"] }, ip: "127.0.0.2", auth: null }))
    expect(wire(e)).toBe('{"data":{},"message":"Invalid realtime client.","status":400}')
    expect(hooks()).toBe(0)
  })

  it("a client without a stored IP accepts any IP", () => {
    const { hub, client } = setup()
    client.set(STORE_IP, undefined)
    expect(hub.applySubscriptions({ body: { clientId: "cid", subscriptions: ["a"] }, ip: "10.0.0.9", auth: null }).ok).toBe(true)
  })

  it("exactly 2500 bytes is valid (#12)", () => {
    const { hub, client } = setup()
    const long = "a".repeat(2500)
    expect(hub.applySubscriptions({ body: { clientId: "cid", subscriptions: ["abc", long] }, ip: IP, auth: null }).ok).toBe(true)
    expect(client.topics()).toEqual(["abc", long])
  })

  it("[] unsubscribes everything (#13)", () => {
    const { hub, client, hooks } = setup()
    expect(hub.applySubscriptions({ body: { clientId: "cid", subscriptions: [] }, ip: IP, auth: null }).ok).toBe(true)
    expect(hooks()).toBe(1)
    expect(client.subscriptionCount).toBe(0)
  })

  it("replaces the set, skipping empty items and collapsing duplicates (#14)", () => {
    const { hub, client } = setup()
    hub.applySubscriptions({ body: { clientId: "cid", subscriptions: ["test1", "test2", "", "test1", null] }, ip: IP, auth: null })
    expect(client.topics()).toEqual(["test1", "test2"])
  })

  it("a guest client binds a superuser (#15)", () => {
    const { hub, client } = setup()
    const su = authAs("S", superusers)
    expect(hub.applySubscriptions({ body: { clientId: "cid" }, ip: IP, auth: su }).ok).toBe(true)
    expect(client.auth).toBe(su)
  })

  it("a guest client binds a regular user (#16)", () => {
    const { hub, client } = setup()
    const a = authAs("A")
    expect(hub.applySubscriptions({ body: { clientId: "cid" }, ip: IP, auth: a }).ok).toBe(true)
    expect(client.auth).toBe(a)
  })

  it("the same user again is accepted and refreshed (#17)", () => {
    const { hub, client } = setup(authAs("A"))
    const fresh = authAs("A", undefined, { name: "fresh" })
    expect(hub.applySubscriptions({ body: { clientId: "cid" }, ip: IP, auth: fresh }).ok).toBe(true)
    expect(client.auth?.record.name).toBe("fresh")
  })

  it("another user → 403, auth unchanged (#18)", () => {
    const { hub, client, hooks } = setup(authAs("B"))
    const e = failure(hub.applySubscriptions({ body: { clientId: "cid", subscriptions: ["x"] }, ip: IP, auth: authAs("A") }))
    expect(wire(e)).toBe('{"data":{},"message":"The current and the previous request authorization don\'t match.","status":403}')
    expect(client.auth?.record.id).toBe("B")
    expect(client.hasSubscription("test0")).toBe(true)
    expect(hooks()).toBe(0)
  })

  it("no token on a bound client → 403, auth unchanged (#19)", () => {
    const { hub, client } = setup(authAs("B"))
    expect(failure(hub.applySubscriptions({ body: { clientId: "cid" }, ip: IP, auth: null })).status).toBe(403)
    expect(client.auth?.record.id).toBe("B")
  })

  it("same record id in another collection → 403", () => {
    const { hub } = setup(authAs("A"))
    expect(failure(hub.applySubscriptions({ body: { clientId: "cid" }, ip: IP, auth: authAs("A", superusers) })).status).toBe(403)
  })

  it("subscribe hooks can replace the list or refuse with an ApiError", () => {
    const { hub, hook, client } = setup()
    const id = hook.bindFunc((e) => {
      e.subscriptions = e.subscriptions.filter((s) => s !== "secret")
      return e.next()
    })
    hub.applySubscriptions({ body: { clientId: "cid", subscriptions: ["a", "secret"] }, ip: IP, auth: null })
    expect(client.topics()).toEqual(["a"])
    hook.unbind(id)
    hook.bindFunc(() => {
      throw forbidden()
    })
    expect(failure(hub.applySubscriptions({ body: { clientId: "cid", subscriptions: ["b"] }, ip: IP, auth: null })).status).toBe(403)
    expect(client.topics()).toEqual(["a"])
  })
})
