/**
 * @module
 * A bounded map of recently used entries: memoised parses and matchers, prepared statements, the
 * commit sequencer's last number per record.
 */

/**
 * Map with a size cap that keeps the recently used entries: two generations of up to half the cap
 * each; a read from the older one moves the entry to the newer, and when the newer fills, the
 * older is dropped whole (`onDrop` gets each value dropped that did not move). (Moving an entry to
 * the end of one Map on every read, and evicting its first key, left deleted slots that every
 * eviction walked past: past the cap, each write cost more than the one before.)
 */
export class LruCache<K, V> {
  readonly #half: number
  readonly #onDrop: ((value: V) => void) | undefined
  #current = new Map<K, V>()
  #previous = new Map<K, V>()

  constructor(max: number, onDrop?: (value: V) => void) {
    this.#half = Math.max(1, Math.floor(max / 2))
    this.#onDrop = onDrop
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
    const dropped = this.#previous
    this.#previous = this.#current
    this.#current = new Map()
    if (this.#onDrop) for (const [old, stale] of dropped) if (!this.#previous.has(old)) this.#onDrop(stale)
  }

  /** Drops every entry (`onDrop` gets each value once). */
  clear(): void {
    const values = new Set([...this.#current.values(), ...this.#previous.values()])
    this.#current = new Map()
    this.#previous = new Map()
    if (this.#onDrop) for (const value of values) this.#onDrop(value)
  }

  /** Entries held (a key moved to the newer generation may still count in the older one). */
  get size(): number {
    return this.#current.size + this.#previous.size
  }
}
