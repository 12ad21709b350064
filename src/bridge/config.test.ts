/** Bridge configuration: defaults filled in, each bad key named. */
import { describe, expect, it } from "bun:test"
import { BridgeConfigError, parseBridgeConfig } from "./config.ts"

const SOURCE = { url: "http://127.0.0.1:8090/", email: "svc@example.com", password: "secret-123" }
const ROUTES = [{ collection: "messages", entity: "message", rooms: ["channel:{channel}"] }]

describe("parseBridgeConfig", () => {
  it("fills in the defaults", () => {
    expect(parseBridgeConfig({ source: SOURCE, routes: ROUTES })).toEqual({
      source: { url: "http://127.0.0.1:8090", email: SOURCE.email, password: SOURCE.password, collection: "_superusers" },
      http: "127.0.0.1:3001",
      path: "/socket.io",
      redis: undefined,
      routes: ROUTES,
      roomCollections: {},
      reconnect: { baseMs: 250, maxMs: 10_000 },
    })
  })

  it("names what is wrong", () => {
    const cases: Array<[unknown, string]> = [
      [null, "JSON object"],
      [{ routes: ROUTES }, "source must be an object"],
      [{ source: { ...SOURCE, url: "" }, routes: ROUTES }, "source.url"],
      [{ source: SOURCE, routes: [{ collection: "m", entity: "e", rooms: "x" }] }, "routes[0].rooms"],
      [{ source: SOURCE, routes: [{ entity: "e", rooms: [] }] }, "routes[0].collection"],
      [{ source: SOURCE, routes: ROUTES, roomCollections: { channel: 1 } }, "roomCollections"],
      [{ source: SOURCE, routes: ROUTES, reconnect: { baseMs: 500, maxMs: 100 } }, "reconnect"],
    ]
    for (const [input, message] of cases) {
      expect(() => parseBridgeConfig(input)).toThrow(BridgeConfigError)
      expect(() => parseBridgeConfig(input)).toThrow(message)
    }
  })
})
