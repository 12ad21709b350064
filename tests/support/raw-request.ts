/**
 * @module
 * One raw HTTP request to a test server, as the superuser unless told otherwise, answered as
 * `{status, body}` (body parsed as JSON, null when empty): the unit differential tests compare.
 */
import { describe, expect, it } from "bun:test"
import { useServer } from "./lifecycle.ts"
import { referenceExecutable, startPocketbun, startReference, type TestServer } from "./servers.ts"

export interface RawRequest {
  method?: string
  path: string
  /** Sent as JSON; a string is sent as it is (malformed bodies). */
  body?: unknown
  /** Send no Authorization header. */
  guest?: boolean
  headers?: Record<string, string>
}

export interface RawAnswer {
  status: number
  body: unknown
}

/** Sends `request` to `server` and reads the answer. */
export async function rawRequest(server: TestServer, request: RawRequest): Promise<RawAnswer> {
  const headers: Record<string, string> = { "content-type": "application/json", ...request.headers }
  if (!request.guest) headers.authorization = server.admin.authStore.token
  const body = request.body === undefined ? undefined : typeof request.body === "string" ? request.body : JSON.stringify(request.body)
  const response = await fetch(server.url + request.path, { method: request.method ?? "GET", headers, body })
  const text = await response.text()
  return { status: response.status, body: text === "" ? null : JSON.parse(text) }
}

const describeRequest = (request: RawRequest): string =>
  `${request.method ?? "GET"} ${request.path}${request.body === undefined ? "" : ` ${typeof request.body === "string" ? request.body : JSON.stringify(request.body)}`}${request.guest ? " as a guest" : ""}`

/**
 * Registers one test per request that sends it to both servers, in order, and expects equal
 * answers (for use inside a describe whose servers `ours` and `theirs` return).
 */
export function itAnswersAlike(ours: () => TestServer, theirs: () => TestServer, requests: RawRequest[]): void {
  for (const request of requests) {
    it(describeRequest(request), async () => {
      expect(await rawRequest(ours(), request)).toEqual(await rawRequest(theirs(), request))
    })
  }
}

/**
 * A describe block that starts pocketbun and the reference, prepares each with `setup`, and runs
 * `itAnswersAlike` over `requests`; skipped, with the reason printed, where the reference is not
 * installed.
 */
export function describeAnswersAlike(name: string, requests: RawRequest[], setup?: (server: TestServer) => Promise<unknown>): void {
  const reference = referenceExecutable()
  if (!reference.path) console.log(`skipping "${name}": ${reference.reason}`)
  describe.skipIf(!reference.path)(name, () => {
    const prepared = (start: () => Promise<TestServer>) => async () => {
      const server = await start()
      await setup?.(server)
      return server
    }
    itAnswersAlike(useServer(prepared(startPocketbun)), useServer(prepared(startReference)), requests)
  })
}
