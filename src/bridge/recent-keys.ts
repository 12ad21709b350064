/**
 * @module
 * A bounded set of recently seen keys (oldest forgotten first), for dropping duplicate events.
 */

export class RecentKeys {
  readonly #keys = new Set<string>()
  readonly #capacity: number

  /** @param capacity keys remembered. @default 10_000 */
  constructor(capacity = 10_000) {
    this.#capacity = capacity
  }

  /** Records the key; false when it was already there (a duplicate). */
  add(key: string): boolean {
    if (this.#keys.has(key)) return false
    this.#keys.add(key)
    if (this.#keys.size > this.#capacity) this.#keys.delete(this.#keys.values().next().value!)
    return true
  }
}
