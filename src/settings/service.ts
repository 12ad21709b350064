/**
 * @module
 * The settings service: one current settings object per app, stored as PocketBase stores it (the
 * `_params` row with id `settings`, plain JSON), validated on every update, and kept current
 * across processes sharing the data file: a write bumps the shared change signal after its commit,
 * and `refresh()` (once per request) re-reads the row when the signal moved, so a change holds for
 * the next request everywhere; SQLite's `data_version` catches writers outside pocketbun within a
 * second.
 */
import { ApiError } from "../core/errors.ts"
import { nowDateTime } from "../core/clock.ts"
import type { Store } from "../db/store.ts"
import { ChangeSignal } from "../db/change-signal.ts"
import { applySettingsBody, SettingsDecodeError } from "./decode.ts"
import { cloneSettings, defaultSettings, type Settings } from "./model.ts"
import { validateSettings } from "./validate.ts"
import { defaultConnectionTests, type ConnectionTests } from "./connection-tests.ts"

const PARAMS_SCHEMA = `CREATE TABLE IF NOT EXISTS _params (
  id      TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
  value   JSON DEFAULT NULL,
  created TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL,
  updated TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL
)`

const SETTINGS_KEY = "settings"

/** How stale settings may be after a change made outside pocketbun (which does not signal). */
const OUTSIDE_CHANGE_CHECK_MS = 1_000

/** Told about every change, local or from another process, after it is stored. */
export type SettingsListener = (next: Readonly<Settings>, previous: Readonly<Settings>) => void

/** The stored settings could not be read (e.g. encrypted by PocketBase with an encryption key). */
export class SettingsLoadError extends Error {}

/** Reads, validates, stores and announces the application settings. */
export class SettingsService {
  readonly #store: Store
  readonly #signal: ChangeSignal
  #current: Readonly<Settings>
  #updated = ""
  #dataVersion = 0
  #seenSignal = -1
  #checkedAt = 0
  #listeners = new Set<SettingsListener>()
  /** The probes behind the S3 and email test endpoints; the mail and storage features replace them. */
  connectionTests: ConnectionTests = { ...defaultConnectionTests }

  constructor(store: Store, signal: ChangeSignal = ChangeSignal.inProcess()) {
    this.#store = store
    this.#signal = signal
    store.exec(PARAMS_SCHEMA)
    this.#current = deepFreeze(defaultSettings())
    if (!this.#load()) this.#write(defaultSettings())
    this.#dataVersion = this.#readDataVersion()
  }

  /** The current settings (frozen: change them with `update`). */
  get(): Readonly<Settings> {
    return this.#current
  }

  /** Calls `listener` after each change; returns the unsubscribe function. */
  subscribe(listener: SettingsListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Applies a partial settings object (as the API receives it: nested sections merged, arrays
   * replaced), validates, stores and announces it. Throws PocketBase's 400 answers.
   */
  update(patch: Record<string, unknown>, options: { fromForm?: boolean } = {}): Readonly<Settings> {
    let next: Settings
    try {
      next = applySettingsBody(this.#current, patch, options)
    } catch (error) {
      if (error instanceof SettingsDecodeError) throw new ApiError(400, "An error occurred while loading the submitted data.", {}, { cause: error })
      throw error
    }
    const errors = validateSettings(next)
    if (Object.keys(errors).length > 0) throw new ApiError(400, "An error occurred while saving the new settings.", errors)
    this.#write(next)
    return this.#current
  }

  /**
   * Follows a collection rename in the rate limit labels (`old:create` becomes `new:create`), as
   * PocketBase does; nothing is written when no label names the collection.
   */
  renameCollectionInRateLimits(oldName: string, newName: string): void {
    const rules = this.#current.rateLimits.rules
    if (!rules.some((rule) => rule.label.startsWith(`${oldName}:`))) return
    const renamed = rules.map((rule) => (rule.label.startsWith(`${oldName}:`) ? { ...rule, label: `${newName}:${rule.label.slice(oldName.length + 1)}` } : rule))
    this.update({ rateLimits: { rules: renamed } })
  }

  /**
   * Re-reads the settings when another process signalled a change since the last look, or, for
   * writers outside pocketbun, when another connection committed and the last look is
   * `OUTSIDE_CHANGE_CHECK_MS` old. Returns true when they changed.
   */
  refresh(): boolean {
    const signalled = this.#signal.read()
    const now = performance.now()
    if (signalled === this.#seenSignal && now - this.#checkedAt < OUTSIDE_CHANGE_CHECK_MS) return false
    this.#seenSignal = signalled
    this.#checkedAt = now
    const version = this.#readDataVersion()
    if (version === this.#dataVersion) return false
    this.#dataVersion = version
    const row = this.#store.get<{ updated: string }>("SELECT updated FROM _params WHERE id = ?", [SETTINGS_KEY])
    if (row?.updated === this.#updated) return false
    return this.#load()
  }

  /** Re-reads the stored settings unconditionally (after this process replaced the database). */
  reload(): void {
    if (!this.#load()) this.#write(defaultSettings())
    this.#dataVersion = this.#readDataVersion()
    this.#signal.bump()
  }

  #readDataVersion(): number {
    return (this.#store.get<{ data_version: number }>("PRAGMA data_version")?.data_version) ?? 0
  }

  // Loads the stored row onto the defaults (keys added by newer versions keep their defaults).
  #load(): boolean {
    const row = this.#store.get<{ value: string | null; updated: string }>("SELECT value, updated FROM _params WHERE id = ?", [SETTINGS_KEY])
    if (!row) return false
    let stored: unknown
    try {
      stored = JSON.parse(row.value ?? "null")
    } catch (error) {
      throw new SettingsLoadError("the stored settings are not plain JSON (encrypted settings are not supported)", { cause: error })
    }
    if (typeof stored !== "object" || stored === null || Array.isArray(stored)) throw new SettingsLoadError("the stored settings are not a JSON object")
    this.#updated = row.updated
    this.#replace(applySettingsBody(defaultSettings(), stored as Record<string, unknown>))
    return true
  }

  #write(next: Settings): void {
    const now = nowDateTime()
    this.#store.run(
      "INSERT INTO _params (id, value, created, updated) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET value = excluded.value, updated = excluded.updated",
      [SETTINGS_KEY, JSON.stringify(next), now, now],
    )
    this.#updated = now
    // The others look again once the row is committed (a migration's write commits later).
    this.#store.afterCommit(() => this.#signal.bump())
    this.#replace(next)
  }

  #replace(next: Settings): void {
    const previous = this.#current
    this.#current = deepFreeze(cloneSettings(next))
    for (const listener of this.#listeners) {
      try {
        listener(this.#current, previous)
      } catch (error) {
        console.error("settings listener failed:", error)
      }
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
