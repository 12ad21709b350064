/**
 * @module
 * A private S3-compatible server for tests: moto's standalone server (`pip install
 * "moto[server]"`, the `moto_server` command) on a free loopback port, with helpers to make
 * buckets and look inside them through Bun's S3 client. Under CI=true a missing server fails.
 */
import type { Subprocess } from "bun"
import { freePort } from "./servers.ts"

export const S3_KEYS = { accessKey: "test-access-key", secret: "test-secret-key", region: "us-east-1" }

export interface TestS3 {
  endpoint: string
  /** Creates a bucket and returns its name. */
  createBucket(name: string): Promise<string>
  /** Every key in `bucket` under `prefix`, sorted. */
  keys(bucket: string, prefix?: string): Promise<string[]>
  /** The stored Content-Type of an object. */
  contentType(bucket: string, key: string): Promise<string>
  /** `settings.s3` for `bucket` on this server. */
  settings(bucket: string): { enabled: true; bucket: string; region: string; endpoint: string; accessKey: string; secret: string; forcePathStyle: true }
  stop(): Promise<void>
}

/** Why S3 tests cannot run here, or null when they can. */
export function s3Unavailable(): string | null {
  return Bun.which("moto_server") ? null : 'moto_server is not installed (pip install "moto[server]")'
}

/** Starts moto's S3 server; throws when it cannot. */
export async function startS3(): Promise<TestS3> {
  const binary = Bun.which("moto_server")
  if (!binary) throw new Error(s3Unavailable()!)
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const child: Subprocess = Bun.spawn([binary, "-H", "127.0.0.1", "-p", String(port)], { stdout: "ignore", stderr: "ignore" })
  const deadline = Date.now() + 20_000
  while (!(await fetch(`${endpoint}/`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL")
      throw new Error(`moto_server did not start on port ${port}`)
    }
    await Bun.sleep(50)
  }
  const client = (bucket: string) => new Bun.S3Client({ endpoint, bucket, region: S3_KEYS.region, accessKeyId: S3_KEYS.accessKey, secretAccessKey: S3_KEYS.secret })
  const settings = (bucket: string) => ({ enabled: true as const, bucket, endpoint, region: S3_KEYS.region, accessKey: S3_KEYS.accessKey, secret: S3_KEYS.secret, forcePathStyle: true as const })
  return {
    endpoint,
    settings,
    async createBucket(name) {
      const response = await fetch(`${endpoint}/${name}`, { method: "PUT" })
      if (!response.ok) throw new Error(`creating bucket ${name}: ${response.status} ${await response.text()}`)
      return name
    },
    async contentType(bucket, key) {
      return (await client(bucket).stat(key)).type
    },
    async keys(bucket, prefix = "") {
      const keys: string[] = []
      let continuationToken: string | undefined
      do {
        const page = await client(bucket).list({ prefix, continuationToken })
        keys.push(...(page.contents ?? []).map((o) => o.key))
        continuationToken = page.isTruncated ? page.nextContinuationToken : undefined
      } while (continuationToken)
      return keys.sort()
    },
    async stop() {
      child.kill("SIGTERM")
      await Promise.race([child.exited, Bun.sleep(3000)])
      if (child.exitCode === null) child.kill("SIGKILL")
    },
  }
}
