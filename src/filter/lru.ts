/**
 * @module
 * A tiny bounded map of recently used entries, used to memoise parses and compiled matchers.
 */

/**
 * Map with a size cap that keeps the recently used entries: two generations of up to half the cap
 * each; a read from the older one moves the entry to the newer, and when the newer fills, the
 * older is dropped whole. (Moving an entry to the end of one Map on every read, and evicting its
 * first key, left deleted slots that every eviction walked past.)
 */
export class LruCache<K, V> {
  readonly #half: number
  #current = new Map<K, V>()
  #previous = new Map<K, V>()

  constructor(max: number) {
    this.#half = Math.max(1, Math.floor(max / 2))
  }

  get(key: K): V | undefined {
    const value = this.#current.get(key)
    if (value !== undefined) return value
    const older = this.#previous.get(key)
    if (older !== undefined) this.set(key, older)
    return older
  }

  set(key: K, value: V): void {
    this.#current.set(key, value)
    if (this.#current.size < this.#half) return
    this.#previous = this.#current
    this.#current = new Map()
  }

  /** Entries held (a key moved to the newer generation may still count in the older one). */
  get size(): number {
    return this.#current.size + this.#previous.size
  }
}
