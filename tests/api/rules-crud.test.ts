/**
 * API rules through the SDK, one rule kind per collection (see tests/support/rules-world.ts):
 * two users and a guest list, view, create, update and delete, and each answer is checked for
 * status, visible ids and message. Runs against pocketbun and, where installed, the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { createWorld, outcome, signIn, type Clients } from "../support/rules-world.ts"
import { SCENARIOS } from "../support/rules-scenarios.ts"

for (const target of conformanceTargets()) {
  describe(`API rules (${target.name})`, () => {
    let server: TestServer
    let clients: Clients

    beforeAll(async () => {
      server = await target.start()
      await createWorld(server)
      clients = await signIn(server)
    }, 30_000)
    afterAll(async () => {
      await server?.stop()
    })

    for (const scenario of SCENARIOS) {
      it(`${scenario.actor}: ${scenario.name}`, async () => {
        expect(await outcome(scenario.call(clients[scenario.actor]))).toEqual(scenario.expect)
      })
    }
  })
}
