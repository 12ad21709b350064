/**
 * Field options of the wrong JSON type, unknown field types, unusable patterns and bcrypt costs
 * once reached the store and answered 500 (found by fuzzing); each must be a 400.
 */
import { afterAll, beforeAll, expect, it } from "bun:test"
import { startPocketbun, type PocketbunServer } from "../support/servers.ts"

let server: PocketbunServer
beforeAll(async () => {
  server = await startPocketbun()
})
afterAll(async () => {
  await server?.stop()
})

async function createStatus(field: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}/api/collections`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: server.admin.authStore.token },
    body: JSON.stringify({ name: `c${crypto.randomUUID().slice(0, 8)}`, createRule: "", fields: [field] }),
  })
  return { status: response.status, body: await response.json() }
}

it("refuses bad field definitions with 400 and the right field error", async () => {
  expect((await createStatus({ name: "p", type: "nope" })).body.data.fields["1"].type.code).toBe("validation_in_invalid")
  expect((await createStatus({ name: "p", type: "password", cost: 3.5 })).body.message).toBe("Failed to load the submitted data due to invalid formatting.")
  expect((await createStatus({ name: "p", type: "password", cost: 2 })).body.data.fields["1"].cost.code).toBe("validation_min_greater_equal_than_required")
  expect((await createStatus({ name: "p", type: "password", cost: 40 })).body.data.fields["1"].cost.code).toBe("validation_max_less_equal_than_required")
  expect((await createStatus({ name: "p", type: "text", autogeneratePattern: [1, 2] })).status).toBe(400)
  expect((await createStatus({ name: "p", type: "text", autogeneratePattern: "^[a-" })).body.data.fields["1"].autogeneratePattern.code).toBe("validation_invalid_regex")
  expect((await createStatus({ name: "p", type: "text", pattern: "(" })).body.data.fields["1"].pattern.code).toBe("validation_invalid_regex")
  expect((await createStatus({ name: "p", type: "select", values: "a" })).status).toBe(400)
  expect((await createStatus({ name: "p", type: "text", required: "yes" })).status).toBe(400)
})

it("still accepts cost 0 (the default) and valid patterns", async () => {
  expect((await createStatus({ name: "p", type: "password", cost: 0 })).status).toBe(200)
  expect((await createStatus({ name: "p", type: "text", pattern: "^[a-z]+$", autogeneratePattern: "[a-z]{5}" })).status).toBe(200)
})
