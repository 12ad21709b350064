/**
 * @module
 * One server per describe block: started before its tests, stopped after them.
 */
import { afterAll, beforeAll } from "bun:test"

/** Starts a server for the surrounding describe (or file); returns a getter for it. */
export function useServer<T extends { stop(): Promise<void> }>(start: () => Promise<T>): () => T {
  let server: T | undefined
  beforeAll(async () => {
    server = await start()
  }, 30_000)
  afterAll(async () => {
    await server?.stop()
  })
  return () => {
    if (!server) throw new Error("the server did not start")
    return server
  }
}
