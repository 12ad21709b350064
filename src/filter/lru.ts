/**
 * @module
 * A tiny bounded least-recently-used map, used to memoise parses and compiled matchers.
 */

/** Map with a size cap; reading an entry makes it the most recent, inserting past the cap drops the oldest. */
export class LruCache<K, V> {
  readonly #max: number
  readonly #map = new Map<K, V>()

  constructor(max: number) {
    this.#max = Math.max(1, max)
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key)
    if (value !== undefined) {
      this.#map.delete(key)
      this.#map.set(key, value)
    }
    return value
  }

  set(key: K, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as K)
  }

  get size(): number {
    return this.#map.size
  }
}
