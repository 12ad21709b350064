/**
 * pb_hooks globals beyond the sample app, on an in-process pocketbun: global middlewares,
 * record model hooks from JavaScript, `$app` writes and transactions, `cronAdd`, `$http.send`,
 * a file that fails to load, and reloading on change.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freePort, startPocketbun, type PocketbunServer } from "../support/servers.ts"

const HOOKS = String.raw`
// A hook the bus does not have: defined (the rest of the file still loads), never run.
onMailerSend((e) => e.next())

routerUse((e) => {
  e.response.header().set("X-Hooked", "yes")
  return e.next()
})

onRecordCreate((e) => {
  e.record.set("slug", e.record.getString("title").toLowerCase())
  e.next()
}, "notes")

onRecordValidate((e) => {
  if (e.record.getString("title") === "bad") throw new BadRequestError("Bad title.")
  e.next()
}, "notes")

onRecordAfterCreateSuccess(async (e) => {
  await Promise.resolve()
  e.next()
}, "notes")

onRecordCreateRequest((e) => {
  e.record.set("body", "from " + (e.requestInfo().body.title ?? "?") + e.request.header.get("X-Suffix") + e.request.url.query().get("mark"))
  return e.next()
}, "notes")

onRecordsListRequest((e) => {
  for (const record of e.records) record.set("body", record.getString("body") + " (listed)")
  return e.next()
}, "notes")

routerAdd("POST", "/api/notes/pair", (e) => {
  const notes = $app.findCollectionByNameOrId("notes")
  try {
    $app.runInTransaction((txApp) => {
      txApp.save(new Record(notes, { title: "first" }))
      throw new Error("undo")
    })
  } catch (err) {
    // rolled back
  }
  const kept = new Record(notes)
  kept.set("title", "Kept")
  $app.save(kept)
  return e.json(200, { count: $app.countRecords("notes"), slug: kept.get("slug"), all: $app.findRecordsByFilter("notes", "title != ''", "title").map((r) => r.get("title")) })
})

routerAdd("POST", "/api/notes/bump", (e) => {
  const record = $app.findFirstRecordByData("notes", "title", "Kept")
  record.set("n+", 2)
  $app.save(record)
  return e.json(200, { n: record.getInt("n") })
})

routerAdd("GET", "/api/dbx", (e) => {
  const exact = $app.findAllRecords("notes", $dbx.hashExp({ title: "Kept" }))
  const like = $app.findAllRecords("notes", $dbx.or($dbx.like("title", "ell"), $dbx.exp("[[slug]] = {:slug}", { slug: "kept" })))
  const raw = $app.db().newQuery("SELECT COUNT(*) AS n FROM {{notes}} WHERE [[title]] != {:empty}").bind({ empty: "" }).one()
  return e.json(200, { exact: exact.map((r) => r.get("title")), like: like.map((r) => r.get("title")).sort(), count: raw.n })
})

routerAdd("GET", "/api/fetch", (e) => {
  const res = $http.send({ url: e.request.url.query().get("url"), method: "GET" })
  return e.json(200, { status: res.statusCode, json: res.json })
})

cronAdd("hooksTestJob", "*/5 * * * *", () => {})
`

describe("pb_hooks", () => {
  let server: PocketbunServer
  let root: string
  let hooksDir: string
  let output = ""
  const originalError = console.error

  beforeAll(async () => {
    console.error = (...args: unknown[]) => void (output += `${args.join(" ")}\n`)
    root = mkdtempSync(join(tmpdir(), "pb-hooks-"))
    hooksDir = join(root, "pb_hooks")
    mkdirSync(hooksDir)
    writeFileSync(join(hooksDir, "a.pb.js"), HOOKS)
    writeFileSync(join(hooksDir, "typed.pb.ts"), `routerAdd("GET", "/api/typed", (e: { string(status: number, text: string): void }) => e.string(200, "typed" as string))`)
    writeFileSync(join(hooksDir, "b-broken.pb.js"), "routerAdd('GET', '/x', (e) => e.string(200, 'x'))\nundefinedFunction()\n")
    server = await startPocketbun({ dir: join(root, "pb_data"), hooksDir, hooksWatch: true })
    await server.admin.collections.create({ name: "notes", type: "base", listRule: "", createRule: "", fields: [{ name: "title", type: "text" }, { name: "slug", type: "text" }, { name: "body", type: "text" }, { name: "n", type: "number" }] })
  })

  afterAll(async () => {
    console.error = originalError
    await server.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it("routerUse middlewares wrap the API too", async () => {
    const response = await fetch(`${server.url}/api/health`)
    expect(response.headers.get("X-Hooked")).toBe("yes")
    expect(response.status).toBe(200)
  })

  it("model and request hooks change a record created through the SDK", async () => {
    const note = await server.client().collection("notes").create({ title: "Hello" }, { headers: { "X-Suffix": "" }, query: { mark: "" } })
    expect(note).toMatchObject({ title: "Hello", slug: "hello", body: "from Hello" })
  })

  it("a list request hook sees records as models and changes what is listed", async () => {
    const list = await server.client().collection("notes").getFullList({ filter: "title = 'Hello'" })
    expect(list[0]?.body).toBe("from Hello (listed)")
  })

  it("a request hook reads the request's headers and query through e.request", async () => {
    const note = await server.client().collection("notes").create({ title: "Hi" }, { headers: { "X-Suffix": "!" }, query: { mark: "?" } })
    expect(note.body).toBe("from Hi!?")
  })

  it("a validate hook's error is the API's answer", async () => {
    const response = await fetch(`${server.url}/api/collections/notes/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "bad" }) })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ message: "Bad title." })
  })

  it("$app.save runs the model hooks and runInTransaction rolls back on a throw", async () => {
    const response = await fetch(`${server.url}/api/notes/pair`, { method: "POST" })
    const body = (await response.json()) as { count: number; slug: string; all: string[] }
    expect(body.slug).toBe("kept")
    expect(body.all).not.toContain("first")
    expect(body.all).toContain("Kept")
  })

  it("a record's field+ modifier applies when it is saved", async () => {
    expect(await (await fetch(`${server.url}/api/notes/bump`, { method: "POST" })).json()).toEqual({ n: 2 })
    expect(await (await fetch(`${server.url}/api/notes/bump`, { method: "POST" })).json()).toEqual({ n: 4 })
  })

  it("$dbx expressions filter findAllRecords and raw queries quote as dbx does", async () => {
    const body = (await (await fetch(`${server.url}/api/dbx`)).json()) as { exact: string[]; like: string[]; count: number }
    expect(body.exact).toEqual(["Kept"])
    expect(body.like).toEqual(["Hello", "Kept"])
    expect(body.count).toBe(3)
  })

  // The target runs in another process: $http.send blocks this one until the answer is in.
  it("$http.send fetches synchronously", async () => {
    const port = await freePort()
    const target = Bun.spawn(["bun", "-e", `Bun.serve({ hostname: "127.0.0.1", port: ${port}, fetch: () => Response.json({ pong: true }) })`])
    try {
      const url = `http://127.0.0.1:${port}/`
      const deadline = Date.now() + 5_000
      while (Date.now() < deadline && !(await fetch(url).then((r) => r.ok, () => false))) await Bun.sleep(50)
      const response = await fetch(`${server.url}/api/fetch?url=${encodeURIComponent(url)}`)
      expect(await response.json()).toEqual({ status: 200, json: { pong: true } })
    } finally {
      target.kill()
      await target.exited
    }
  })

  it("*.pb.ts files load with their types stripped", async () => {
    expect(await (await fetch(`${server.url}/api/typed`)).text()).toBe("typed")
  })

  it("cronAdd schedules on the app's cron scheduler", async () => {
    const jobs = (await server.admin.crons.getFullList()).map((job) => job.id)
    expect(jobs).toContain("hooksTestJob")
  })

  it("a file that throws while loading is logged with its line and the others still run", () => {
    expect(output).toMatch(/b-broken\.pb\.js:2:\d+/)
  })

  it("reloads the hooks, and the modules they require, when a file changes (--hooksWatch)", async () => {
    writeFileSync(join(hooksDir, "word.js"), `module.exports = "stale"`)
    writeFileSync(join(hooksDir, "c.pb.js"), `routerAdd("GET", "/api/reloaded", (e) => e.string(200, require(__hooks + "/word.js")))`)
    const answer = async (expected: string) => {
      const deadline = Date.now() + 5_000
      let text = ""
      while (Date.now() < deadline && text !== expected) {
        const response = await fetch(`${server.url}/api/reloaded`)
        text = response.status === 200 ? await response.text() : ""
        if (text !== expected) await Bun.sleep(50)
      }
      return text
    }
    expect(await answer("stale")).toBe("stale")
    writeFileSync(join(hooksDir, "word.js"), `module.exports = "fresh"`)
    expect(await answer("fresh")).toBe("fresh")
    expect(server.app.services.cron.has("hooksTestJob")).toBe(true)
  })
})
