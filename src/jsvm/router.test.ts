import { describe, expect, it } from "bun:test"
import { RouteTable, type RouterInput } from "./router.ts"

const input = (method: string, path: string): RouterInput => ({
  request: new Request(`http://localhost${path}`, { method }),
  auth: null,
  ip: "127.0.0.1",
  body: async () => ({ raw: "", values: {} }),
})

const api = async () => new Response("api")

describe("RouteTable", () => {
  it("matches path values, wildcards and methods; HEAD runs GET routes", async () => {
    const routes = new RouteTable()
    routes.add("GET", "/hello/{name}", (e) => e.json(200, { name: e.pathValue("name") }))
    routes.add("POST", "/files/{path...}", (e) => e.string(200, e.pathValue("path")))
    expect(await (await routes.dispatch(input("GET", "/hello/ada%20l"), api))!.json()).toEqual({ name: "ada l" })
    expect(await (await routes.dispatch(input("POST", "/files/a/b.txt"), api))!.text()).toBe("a/b.txt")
    expect((await routes.dispatch(input("HEAD", "/hello/x"), api))!.status).toBe(200)
    expect(await routes.dispatch(input("DELETE", "/hello/x"), api)).toBeNull()
  })

  it("runs global middlewares around the API and route middlewares before the handler", async () => {
    const routes = new RouteTable()
    const seen: string[] = []
    routes.use((e) => {
      seen.push("global")
      return e.next()
    })
    routes.add("GET", "/guarded", (e) => e.string(200, "ok"), (e) => {
      seen.push("route")
      if (e.request.header.get("x-key") !== "1") throw new Error("refused")
      return e.next()
    })
    expect(await (await routes.dispatch(input("GET", "/api/anything"), api))!.text()).toBe("api")
    await expect(routes.dispatch(input("GET", "/guarded"), api)).rejects.toThrow("refused")
    expect(seen).toEqual(["global", "global", "route"])
  })

  it("removes what it added", async () => {
    const routes = new RouteTable()
    const remove = routes.add("GET", "/x", (e) => e.noContent(204))
    remove()
    expect(routes.isEmpty).toBe(true)
    expect(await routes.dispatch(input("GET", "/x"), api)).toBeNull()
  })
})
