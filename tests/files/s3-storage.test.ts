/**
 * The S3 backend against a real S3-compatible server (moto) on loopback: the same contract as
 * the disk and memory backends, plus large objects and listings past one page.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { S3Storage } from "../../src/files/index.ts"
import { storageContract } from "../../src/files/storage-contract.ts"
import { s3Unavailable, startS3, type TestS3 } from "../support/s3.ts"

const unavailable = s3Unavailable()
if (unavailable) console.log(`S3 tests: ${unavailable}`)
// Under CI the server must be there: the suite fails instead of skipping.
const skip = unavailable !== null && process.env.CI !== "true"

describe.skipIf(skip)("S3 storage", () => {
  let s3: TestS3
  // Each test takes a bucket of its own (the contract's tests build their storage synchronously).
  const buckets: string[] = []
  beforeAll(async () => {
    s3 = await startS3()
    for (let i = 0; i < 6; i++) buckets.push(await s3.createBucket(`contract-${i}`))
  }, 30_000)
  afterAll(async () => {
    await s3?.stop()
  })
  const fresh = () => new S3Storage(s3.settings(buckets.shift()!))

  storageContract("s3", fresh)

  it("streams a multi-megabyte object in and out, and slices it with a range read", async () => {
    const storage = fresh()
    const big = new Uint8Array(12 * 1024 * 1024)
    for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 251
    await storage.write("c/r/big.bin", new Blob([big]))
    const file = (await storage.open("c/r/big.bin"))!
    expect(file.size).toBe(big.length)
    expect(await file.bytes(4096 * 1000, 4096 * 1000 + 1)).toEqual(new Uint8Array([1000 % 251]))
    let total = 0
    for await (const chunk of file.body() as ReadableStream<Uint8Array>) total += chunk.byteLength
    expect(total).toBe(big.length)
  })

  it("lists and removes folders of more than one listing page", async () => {
    const storage = fresh()
    await Promise.all(Array.from({ length: 1005 }, (_, i) => storage.write(`c/many/f${i}.txt`, new Uint8Array([1]))))
    expect(await storage.list("c/many")).toHaveLength(1005)
    await storage.removeDir("c/many")
    expect(await storage.list("c/many")).toEqual([])
  }, 60_000)
})
