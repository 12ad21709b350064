/**
 * @module
 * Thumbs made on first request and kept in storage beside their file
 * (`…/thumbs_<name>/<size>_<name>`). Concurrent requests for one thumb share one generation,
 * and at most a few generations run at once (images are decoded off the main thread by libvips,
 * but each holds its pixels in memory). A thumb that cannot be made (not an image, broken, too
 * large) answers null, so the original is served, as PocketBase does.
 */
import { availableParallelism } from "node:os"
import { sniff, SNIFF_LIMIT } from "./sniff.ts"
import { thumbKey, type FileStorage, type StoredFile } from "./storage.ts"
import { parseThumbSize, renderThumb, THUMB_SOURCE_TYPES, type ThumbLimits } from "./thumbs.ts"

/** Generates and caches thumbs. */
export class ThumbCache {
  readonly #limits: ThumbLimits
  readonly #pending = new Map<string, Promise<StoredFile | null>>()
  readonly #slots = new Slots(availableParallelism() + 2)
  readonly #onError: (error: unknown, key: string) => void

  constructor(limits: ThumbLimits, onError = (error: unknown, key: string) => console.warn(`thumb ${key} not made (${error instanceof Error ? error.message : String(error)}), serving the original`)) {
    this.#limits = limits
    this.#onError = onError
  }

  /** The `size` thumb of the file at `key` in `storage`, made now if it does not exist yet; null to serve the original. */
  async get(storage: FileStorage, key: string, size: string): Promise<StoredFile | null> {
    // Sizes come from field options; one that is not a size (stored before they were checked) never names a key.
    if (!parseThumbSize(size)) return null
    const target = thumbKey(key, size)
    const cached = await storage.open(target)
    if (cached) return cached
    const pending = this.#pending.get(target)
    if (pending) return pending
    const made = this.#make(storage, key, target, size).finally(() => this.#pending.delete(target))
    this.#pending.set(target, made)
    return made
  }

  async #make(storage: FileStorage, key: string, target: string, size: string): Promise<StoredFile | null> {
    const parsed = parseThumbSize(size)!
    const original = await storage.open(key)
    if (!original) return null
    const type = sniff(await original.bytes(0, Math.min(original.size, SNIFF_LIMIT + 1))).mime
    if (!THUMB_SOURCE_TYPES.has(type)) return null
    await this.#slots.acquire()
    try {
      const thumb = await renderThumb(await original.bytes(), type, parsed, this.#limits)
      await storage.write(target, thumb.bytes, thumb.type)
      return await storage.open(target)
    } catch (error) {
      this.#onError(error, target)
      return null
    } finally {
      this.#slots.release()
    }
  }
}

// A counting semaphore: callers past the limit wait in order.
class Slots {
  #free: number
  readonly #waiting: Array<() => void> = []

  constructor(count: number) {
    this.#free = count
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--
      return
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve))
  }

  release(): void {
    const next = this.#waiting.shift()
    if (next) next()
    else this.#free++
  }
}
