/**
 * @module
 * The bridge's JSON configuration: reading, defaults and validation. A bad file is a
 * `BridgeConfigError` naming the offending key, never a half-started bridge.
 */

/** One collection whose record events go to rooms. */
export interface BridgeRoute {
  /** The source collection (name or id). */
  collection: string
  /** The event prefix: `message` gives `message:created|updated|deleted`. */
  entity: string
  /** Room templates: `{field}` reads a record field, `{rel.field}` reads through a relation. */
  rooms: string[]
}

export interface BridgeConfig {
  source: {
    /** Base URL of the PocketBase-compatible server. */
    url: string
    /** The service account (an auth record able to list every routed collection). */
    email: string
    password: string
    /** Auth collection of the service account. @default "_superusers" */
    collection: string
  }
  /** Listen address `host:port`. @default "127.0.0.1:3001" */
  http: string
  /** Socket.IO path. @default "/socket.io" */
  path: string
  /** Redis URL: several bridges then share rooms (and drop each other's duplicates). */
  redis?: string
  routes: BridgeRoute[]
  /** Room prefix → the collection whose record id follows it (`channel` → `channels`). */
  roomCollections: Record<string, string>
  /** Reconnect backoff to the source, in ms. @default { baseMs: 250, maxMs: 10_000 } */
  reconnect: { baseMs: number; maxMs: number }
}

/** A configuration that cannot run. */
export class BridgeConfigError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

function text(value: unknown, key: string, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== "string" || value === "") throw new BridgeConfigError(`${key} must be a non-empty string`)
  return value
}

/** Validates a parsed configuration and fills in the defaults. */
export function parseBridgeConfig(input: unknown): BridgeConfig {
  if (!isObject(input)) throw new BridgeConfigError("the configuration must be a JSON object")
  const source = input.source
  if (!isObject(source)) throw new BridgeConfigError("source must be an object with url, email and password")
  if (!Array.isArray(input.routes) || input.routes.length === 0) throw new BridgeConfigError("routes must be a non-empty array")
  const routes = input.routes.map((route, index): BridgeRoute => {
    if (!isObject(route)) throw new BridgeConfigError(`routes[${index}] must be an object`)
    const rooms = route.rooms
    if (!Array.isArray(rooms) || !rooms.every((room) => typeof room === "string" && room !== "")) {
      throw new BridgeConfigError(`routes[${index}].rooms must be an array of room templates`)
    }
    return { collection: text(route.collection, `routes[${index}].collection`), entity: text(route.entity, `routes[${index}].entity`), rooms }
  })
  const roomCollections = input.roomCollections ?? {}
  if (!isObject(roomCollections) || !Object.values(roomCollections).every((c) => typeof c === "string" && c !== "")) {
    throw new BridgeConfigError("roomCollections must map room prefixes to collection names")
  }
  const reconnect = isObject(input.reconnect) ? input.reconnect : {}
  const baseMs = Number(reconnect.baseMs ?? 250)
  const maxMs = Number(reconnect.maxMs ?? 10_000)
  if (!(baseMs > 0) || !(maxMs >= baseMs)) throw new BridgeConfigError("reconnect needs 0 < baseMs <= maxMs")
  return {
    source: {
      url: text(source.url, "source.url").replace(/\/+$/, ""),
      email: text(source.email, "source.email"),
      password: text(source.password, "source.password"),
      collection: text(source.collection, "source.collection", "_superusers"),
    },
    http: text(input.http, "http", "127.0.0.1:3001"),
    path: text(input.path, "path", "/socket.io"),
    redis: input.redis === undefined ? undefined : text(input.redis, "redis"),
    routes,
    roomCollections: roomCollections as Record<string, string>,
    reconnect: { baseMs, maxMs },
  }
}

/** Reads and validates a configuration file. */
export async function loadBridgeConfig(path: string): Promise<BridgeConfig> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await Bun.file(path).text())
  } catch (error) {
    throw new BridgeConfigError(`cannot read ${path}: ${(error as Error).message}`)
  }
  return parseBridgeConfig(parsed)
}
