/**
 * @module
 * An S3-compatible bucket as storage, through Bun's built-in S3 client. Keys map to object keys
 * one to one (PocketBase's layout, so a bucket PocketBase filled serves here too). Downloads
 * stream from the bucket through the server (never a redirect to a presigned URL, which would
 * change PocketBase's answers); large uploads go up in parts.
 */
import { blobFile, checkKey, type FileContent, type FileStorage, type StoredFile } from "./storage.ts"

/** Connection settings of a bucket, in PocketBase's `settings.s3` shape. */
export interface S3Config {
  endpoint: string
  bucket: string
  region: string
  accessKey: string
  secret: string
  /** Path-style URLs (`endpoint/bucket/key`) instead of virtual-hosted ones (`bucket.endpoint/key`). */
  forcePathStyle: boolean
}

// Objects are removed a few at a time: Bun's client has no batch delete.
const DELETE_CONCURRENCY = 8

/** The S3-compatible backend. */
export class S3Storage implements FileStorage {
  readonly #client: Bun.S3Client

  constructor(config: S3Config) {
    this.#client = new Bun.S3Client({
      endpoint: withScheme(config.endpoint),
      bucket: config.bucket,
      region: config.region || "us-east-1",
      accessKeyId: config.accessKey,
      secretAccessKey: config.secret,
      virtualHostedStyle: !config.forcePathStyle,
    })
  }

  async write(key: string, content: FileContent, type?: string): Promise<void> {
    // The object's Content-Type is what PocketBase reads back to decide on thumbs, so a bucket
    // written here stays usable by PocketBase.
    await this.#client.write(checkKey(key), content, type ? { type } : {})
  }

  async open(key: string): Promise<StoredFile | null> {
    const object = this.#client.file(checkKey(key))
    let info: Bun.S3Stats
    try {
      info = await object.stat()
    } catch (error) {
      if (isMissing(error)) return null
      throw error
    }
    const file = blobFile(object, info.size, info.lastModified)
    // A Response given an S3 file answers with a redirect to a presigned URL; a stream is served as is.
    return { ...file, body: (start = 0, end = info.size) => object.slice(start, end).stream() }
  }

  async remove(key: string): Promise<void> {
    try {
      await this.#client.delete(checkKey(key))
    } catch (error) {
      if (!isMissing(error)) throw error
    }
  }

  async removeDir(prefix: string): Promise<void> {
    const keys = await this.list(prefix)
    for (let i = 0; i < keys.length; i += DELETE_CONCURRENCY) {
      await Promise.all(keys.slice(i, i + DELETE_CONCURRENCY).map((key) => this.remove(key)))
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = []
    let continuationToken: string | undefined
    do {
      const page = await this.#client.list({ prefix: prefix === "" ? undefined : checkKey(prefix) + "/", continuationToken })
      for (const object of page.contents ?? []) keys.push(object.key)
      continuationToken = page.isTruncated ? page.nextContinuationToken : undefined
    } while (continuationToken)
    return keys.sort()
  }

  /** Checks that the bucket answers with these credentials (a listing of at most one key). */
  async check(): Promise<void> {
    await this.#client.list({ maxKeys: 1 })
  }
}

// PocketBase accepts endpoints with or without a scheme; a bare host means https.
const withScheme = (endpoint: string) => (/^https?:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`)

const isMissing = (error: unknown) => {
  const code = (error as { code?: string } | null)?.code
  return code === "NoSuchKey" || code === "NotFound" || code === "ERR_S3_FILE_NOT_FOUND"
}
