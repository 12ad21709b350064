/**
 * @module
 * The bridge process: Socket.IO on a `node:http` server (plus `/metrics` and `/health`), fed by
 * the source subscription. Events are normalized, de-duplicated by (id, updated, action) and
 * emitted to the rooms their route resolves; sockets authenticate with a source token, sit in
 * `user:{id}`, and join other rooms only where the source lets that user view the room's record.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { createAdapter } from "@socket.io/redis-adapter"
import { createClient } from "redis"
import { Server as SocketServer, type Socket } from "socket.io"
import type { BridgeConfig, BridgeRoute } from "./config.ts"
import { jsonLogger, type Logger } from "./log.ts"
import { BridgeMetrics } from "./metrics.ts"
import { RecentKeys } from "./recent-keys.ts"
import { parseRoom, resolveRooms } from "./rooms.ts"
import { identifyOnSource, mayViewOnSource, SourceSubscription, type SourceEvent } from "./source.ts"

/** Event names by source action. */
const PAST_TENSE = { create: "created", update: "updated", delete: "deleted" } as const

/** Most rooms one `join` or `leave` may name. */
const MAX_ROOMS_PER_REQUEST = 100

/** The payload emitted for one event. */
export interface BridgeEvent {
  type: string
  entity: string
  id: string
  data: Record<string, unknown>
  ts: string
}

/** A running bridge. */
export interface RunningBridge {
  /** `http://host:port` it listens on. */
  url: string
  metrics: BridgeMetrics
  stop(): Promise<void>
}

interface SocketUser {
  id: string
  token: string
}

/** Turns a source event into the emitted payload; the expansions the bridge asked for are not part of it. */
export function normalizeEvent(route: BridgeRoute, event: SourceEvent, now = new Date()): BridgeEvent {
  const { expand: _expand, ...data } = event.record
  return { type: `${route.entity}:${PAST_TENSE[event.action]}`, entity: route.entity, id: String(event.record.id), data, ts: now.toISOString() }
}

/** Starts a bridge; resolves once it listens (the source subscription keeps retrying in the background). */
export async function startBridge(config: BridgeConfig, log: Logger = jsonLogger()): Promise<RunningBridge> {
  const metrics = new BridgeMetrics()
  const http = createServer((request, response) => serveOps(request, response, metrics))
  const io = new SocketServer(http, { path: config.path, serveClient: false, cors: { origin: true } })
  const redis = config.redis ? await connectRedis(config.redis, io) : null
  const seen = new RecentKeys()
  const routes = new Map(config.routes.map((route) => [route.collection, route]))

  const onEvent = (event: SourceEvent) => {
    const route = routes.get(event.collection)!
    metrics.count(metrics.eventsIn, route.collection)
    try {
      const key = `${String(event.record.id)}\u0000${String(event.record.updated ?? "")}\u0000${event.action}`
      if (!seen.add(key)) {
        metrics.duplicatesDropped++
        return
      }
      const rooms = resolveRooms(route.rooms, event.record)
      if (rooms.length === 0) return
      const payload = normalizeEvent(route, event)
      // Every bridge hears every event from its own subscription, so each emits to its own
      // sockets only: a socket gets each event once, in the source's order. The Redis adapter
      // still makes rooms cluster-wide for any other emitter.
      io.local.to(rooms).emit(payload.type, payload)
      metrics.count(metrics.emitted, payload.type)
    } catch (error) {
      metrics.handlerFailures++
      log("error", "event handling failed", { collection: route.collection, error: String(error) })
    }
  }
  const source = new SourceSubscription(config, {
    log,
    onEvent,
    onState(connected, reconnect) {
      metrics.sourceConnected = connected
      if (reconnect) metrics.reconnects++
    },
  })

  io.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token
    const record = typeof token === "string" && token !== "" ? await identifyOnSource(config.source.url, token).catch(() => null) : null
    if (!record) return next(new Error("unauthorized"))
    socket.data.user = { id: String(record.id), token: token as string } satisfies SocketUser
    next()
  })
  io.on("connection", (socket) => {
    const user = socket.data.user as SocketUser
    metrics.connectedSockets++
    void socket.join(`user:${user.id}`)
    socket.on("disconnect", () => void metrics.connectedSockets--)
    socket.on("join", (rooms: unknown, ack: unknown) => void joinRooms(socket, user, rooms, ack))
    socket.on("leave", (rooms: unknown, ack: unknown) => {
      const left = roomList(rooms).filter((room) => room !== `user:${user.id}`)
      for (const room of left) void socket.leave(room)
      if (typeof ack === "function") ack({ left })
    })
  })

  async function joinRooms(socket: Socket, user: SocketUser, rooms: unknown, ack: unknown): Promise<void> {
    const list = roomList(rooms)
    const admitted = await Promise.all(list.map((room) => mayJoin(user, room).catch((error: unknown) => {
      metrics.handlerFailures++
      log("error", "join check failed", { user: user.id, room, error: String(error) })
      return false
    })))
    const joined = list.filter((_, index) => admitted[index])
    await socket.join(joined)
    if (typeof ack === "function") ack({ joined, refused: list.filter((_, index) => !admitted[index]) })
  }

  async function mayJoin(user: SocketUser, room: string): Promise<boolean> {
    const parsed = parseRoom(room)
    if (!parsed) return false
    if (parsed.prefix === "user") return parsed.id === user.id
    const collection = config.roomCollections[parsed.prefix]
    if (!collection) return false
    return mayViewOnSource(config.source.url, user.token, collection, parsed.id)
  }

  const [host, port] = splitAddress(config.http)
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject)
    http.listen(port, host, () => resolve())
  })
  const address = http.address() as AddressInfo
  const url = `http://${host}:${address.port}`
  log("info", "bridge listening", { url, path: config.path, source: config.source.url, redis: Boolean(redis) })
  await source.start()

  return {
    url,
    metrics,
    async stop() {
      source.stop()
      await new Promise<void>((resolve) => io.close(() => resolve()))
      await redis?.close()
      log("info", "bridge stopped", { url })
    },
  }
}

function roomList(rooms: unknown): string[] {
  const list = Array.isArray(rooms) ? rooms : [rooms]
  return [...new Set(list.filter((room): room is string => typeof room === "string" && room.length <= 512))].slice(0, MAX_ROOMS_PER_REQUEST)
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(":")
  return [address.slice(0, colon) || "127.0.0.1", Number(address.slice(colon + 1))]
}

function serveOps(request: IncomingMessage, response: ServerResponse, metrics: BridgeMetrics): void {
  const path = (request.url ?? "").split("?")[0]
  if (request.method === "GET" && path === "/metrics") {
    response.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" }).end(metrics.render())
  } else if (request.method === "GET" && path === "/health") {
    const status = metrics.sourceConnected ? "ok" : "source unavailable"
    response.writeHead(metrics.sourceConnected ? 200 : 503, { "Content-Type": "application/json" })
    response.end(JSON.stringify({ status, sockets: metrics.connectedSockets }))
  } else {
    response.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ status: 404, message: "Not found." }))
  }
}

/** The two Redis connections Socket.IO's adapter needs (a publisher and a subscriber). */
async function connectRedis(url: string, io: SocketServer) {
  const publisher = createClient({ url })
  const subscriber = publisher.duplicate()
  await Promise.all([publisher.connect(), subscriber.connect()])
  io.adapter(createAdapter(publisher, subscriber))
  return {
    async close() {
      await Promise.allSettled([publisher.quit(), subscriber.quit()])
    },
  }
}
