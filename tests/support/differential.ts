/**
 * @module
 * Runs the same scenario against pocketbun and, where installed, the reference PocketBase, for
 * tests that compare the two answer by answer.
 */
import { afterAll, beforeAll } from "bun:test"
import { referenceExecutable, startPocketbun, startReference, type TestServer } from "./servers.ts"

/** What both servers answered; `theirs` is null when the reference is not installed. */
export interface BothAnswers<T> {
  ours: T
  theirs: T | null
}

/**
 * Starts both servers before the describe's tests, collects `scenario`'s answers from each, and
 * stops them afterwards. Read the result inside tests.
 */
export function answersFromBoth<T>(scenario: (server: TestServer) => Promise<T>): () => BothAnswers<T> {
  const servers: TestServer[] = []
  let result: BothAnswers<T> | null = null
  beforeAll(async () => {
    const pocketbun = await startPocketbun()
    servers.push(pocketbun)
    const ours = await scenario(pocketbun)
    let theirs: T | null = null
    if (referenceExecutable().path) {
      const reference = await startReference()
      servers.push(reference)
      theirs = await scenario(reference)
    } else console.log(`skipping the reference comparison: ${referenceExecutable().reason}`)
    result = { ours, theirs }
  }, 30_000)
  afterAll(async () => {
    for (const server of servers) await server.stop()
  })
  return () => {
    if (!result) throw new Error("the servers did not start")
    return result
  }
}
