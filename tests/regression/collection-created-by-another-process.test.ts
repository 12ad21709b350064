/**
 * Processes sharing a data directory learn about schema changes through the broker, a moment
 * later; until then a request for a collection another process just created must not be a 404.
 */
import { afterAll, expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createApp } from "../../src/app.ts"
import { makeConfig } from "../../src/config.ts"

const dir = mkdtempSync(join(tmpdir(), "pocketbun-shared-"))
const first = createApp(makeConfig({ dir, readWorkers: 0 }))
const second = createApp(makeConfig({ dir, readWorkers: 0 }))

afterAll(() => {
  first.close()
  second.close()
  rmSync(dir, { recursive: true, force: true })
})

it("finds a collection created through another connection without any notice", async () => {
  first.services.collections.create({ name: "fresh", listRule: "", fields: [{ name: "title", type: "text" }] })
  const response = await second.fetch(new Request("http://local/api/collections/fresh/records"))
  expect(response.status).toBe(200)
  expect(((await response.json()) as { items: unknown[] }).items).toEqual([])
})
