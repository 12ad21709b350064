/**
 * The sample PocketBase app in examples/pocketbase-app (JavaScript migrations, pb_hooks and
 * pb_public), copied unchanged beside a fresh data dir and served by pocketbun and by the
 * reference PocketBase: every answer below must be the same on both.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test"
import { join } from "node:path"
import PocketBase from "pocketbase"
import { openRawStream, postRealtime } from "../support/realtime.ts"
import { SUPERUSER_EMAIL, SUPERUSER_PASSWORD } from "../support/servers.ts"
import { appRoot, referenceAvailable, startPocketbunApp, startReferenceApp, stopApp, type AppServer } from "./support.ts"

const SAMPLE_APP = join(import.meta.dir, "../../examples/pocketbase-app")

interface Answer {
  status: number
  type: string
  body: unknown
  /** Headers the static handler decides on. */
  headers: Record<string, string | null>
}

// Generated values differ between servers; everything else must not.
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable)
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !["id", "created", "updated", "token"].includes(k)).map(([k, v]) => [k, stable(v)]))
  }
  return value
}

async function ask(server: AppServer, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, { redirect: "manual", ...init })
  const type = response.headers.get("content-type") ?? ""
  const text = await response.text()
  const headers = Object.fromEntries(["location", "cache-control", "accept-ranges"].map((name) => [name, response.headers.get(name)]))
  headers["last-modified"] = response.headers.has("last-modified") ? "present" : null
  return { status: response.status, type, headers, body: type.startsWith("application/json") ? stable(JSON.parse(text)) : text }
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
})

/** The requests compared, each with what pocketbun must answer (checked even without the reference). */
interface Scenario {
  name: string
  path: string
  init?: (token: string) => RequestInit
  /** The part of a JSON answer compared (default: all of it). */
  select?: (body: unknown) => unknown
  expect: (a: Answer) => void
}

const scenarios: Scenario[] = [
  { name: "custom route with a path value and a required module", path: "/hello/bob", expect: (a) => expect(a.body).toEqual({ message: "Hello bob" }) },
  { name: "$app.countRecords sees the record a migration saved", path: "/api/posts/count", expect: (a) => expect(a.body).toEqual({ total: 1 }) },
  { name: "raw SQL from a migration ran", path: "/api/post/hello", expect: (a) => expect(a.body).toEqual({ title: "Hello", views: 5 }) },
  { name: "a lookup that finds nothing is a 404", path: "/api/post/nope", expect: (a) => expect(a.status).toBe(404) },
  { name: "bindBody reads a JSON body", path: "/api/echo", init: () => json({ text: "hey" }), expect: (a) => expect(a.body).toEqual({ text: "hey", upper: "HEY" }) },
  { name: "requireAuth refuses guests", path: "/api/me", expect: (a) => expect(a.status).toBe(401) },
  { name: "requireAuth lets a superuser through", path: "/api/me", init: (t) => ({ headers: { Authorization: t } }), expect: (a) => expect(a.body).toEqual({ email: SUPERUSER_EMAIL }) },
  { name: "requireSuperuserAuth", path: "/api/admin-only", init: (t) => ({ headers: { Authorization: t } }), expect: (a) => expect(a.body).toBe("ok") },
  { name: "a thrown BadRequestError is the answer", path: "/api/boom", expect: (a) => expect(a.status).toBe(400) },
  { name: "a crashing handler is a 400, not a 500", path: "/api/crash", expect: (a) => expect(a.status).toBe(400) },
  { name: "$template escapes HTML", path: "/api/page", expect: (a) => expect(a.body).toBe("<h1>&lt;b&gt;hi&lt;/b&gt;</h1>") },
  { name: "$template layouts across files", path: "/views/hello/Ada", expect: (a) => expect(a.body).toContain("<h1>Hello Ada</h1><ul><li>one</li><li>&lt;two&gt;</li></ul>") },
  { name: "$security hashes", path: "/api/hash", expect: (a) => expect(a.body).toEqual({ md5: "900150983cd24fb0d6963f7d28e17f72", sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" }) },
  { name: "a create request hook changes the record", path: "/api/collections/posts/records", init: () => json({ title: "  My post " }), expect: (a) => expect(a.body).toMatchObject({ title: "My post!", slug: "my-post", views: 0 }) },
  { name: "a create request hook refuses with its error", path: "/api/collections/posts/records", init: () => json({ title: "forbidden" }), expect: (a) => expect(a.status).toBe(403) },
  { name: "a model hook's plain error fails the create", path: "/api/collections/posts/records", init: () => json({ title: "explode" }), expect: (a) => expect(a.status).toBe(400) },
  { name: "a validate hook's API error fails the create", path: "/api/collections/posts/records", init: () => json({ title: "invalid" }), expect: (a) => expect(a.status).toBe(400) },
  { name: "the after-success hook wrote through $app.db()", path: "/api/collections/posts/records?sort=title&fields=title,views", expect: (a) => expect(a.body).toMatchObject({ items: [{ title: "Hello", views: 5 }, { title: "My post!", views: 1 }] }) },
  { name: "the migrated schema", path: "/api/collections/posts", init: (t) => ({ headers: { Authorization: t } }), expect: (a) => expect(a.body).toMatchObject({ name: "posts", updateRule: "@request.auth.id != ''" }) },
  {
    name: "settings a migration saved",
    path: "/api/settings",
    init: (t) => ({ headers: { Authorization: t } }),
    select: (body) => {
      const { meta, batch } = body as { meta: { appName: string }; batch: { enabled: boolean; maxRequests: number } }
      return { appName: meta.appName, batch: batch.enabled, maxRequests: batch.maxRequests }
    },
    expect: (a) => expect(a.body).toEqual({ appName: "Sample app", batch: true, maxRequests: 10 }),
  },
  { name: "a custom login route answers as auth-with-password", path: "/api/login-by-email", init: () => json({ email: "demo@example.com", password: "demo-password-1" }), expect: (a) => expect(a.body).toMatchObject({ record: { email: "demo@example.com", name: "Demo", verified: true } }) },
  { name: "a custom login route refuses a wrong password", path: "/api/login-by-email", init: () => json({ email: "demo@example.com", password: "nope" }), expect: (a) => expect(a.status).toBe(400) },
  { name: "an API error with validation data", path: "/api/bad-data", expect: (a) => expect(a.status).toBe(400) },
  { name: "a webhook reads its raw JSON body", path: "/api/webhook", init: () => ({ method: "POST", headers: { "content-type": "application/json" }, body: '{"event":"paid","amount":12}' }), expect: (a) => expect(a.body).toMatchObject({ length: 28 }) },
  { name: "a webhook reads a raw text body", path: "/api/webhook", init: () => ({ method: "POST", headers: { "content-type": "text/plain" }, body: "plain text ✓" }), expect: (a) => expect(a.status).toBe(200) },
  { name: "a handler that writes nothing", path: "/api/silent", expect: (a) => expect(a.body).toBe("") },
  { name: "a redirect", path: "/go-home", expect: (a) => expect(a.headers.location).toBe("/") },
  { name: "no content", path: "/api/nothing", init: () => ({ method: "DELETE" }), expect: (a) => expect(a.status).toBe(204) },
  { name: "pb_public index.html at /", path: "/", expect: (a) => expect(a.body).toContain("Sample app") },
  { name: "pb_public script with its content type", path: "/app.js", expect: (a) => expect(a.type).toBe("text/javascript; charset=utf-8") },
  { name: "index fallback for a single-page app's deep link", path: "/deep/link", expect: (a) => expect(a.body).toContain("Sample app") },
  { name: "index.html redirects to its folder", path: "/index.html", expect: (a) => expect(a.status).toBe(301) },
  { name: "API routes win over pb_public", path: "/api/health", expect: (a) => expect(a.status).toBe(200) },
  { name: "a folder without its slash redirects", path: "/docs", expect: (a) => expect(a.headers.location).toBe("/docs/") },
  { name: "a folder serves its index.html", path: "/docs/", expect: (a) => expect(a.body).toContain("Docs page") },
  { name: "a file with a trailing slash redirects", path: "/app.js/", expect: (a) => expect(a.status).toBe(301) },
  { name: "HEAD of a static file", path: "/app.js", init: () => ({ method: "HEAD" }), expect: (a) => expect(a.body).toBe("") },
  { name: "If-Modified-Since answers 304", path: "/app.js", init: () => ({ headers: { "If-Modified-Since": new Date(Date.now() + 3_600_000).toUTCString() } }), expect: (a) => expect(a.status).toBe(304) },
  { name: "JSON and SVG content types", path: "/data.json", expect: (a) => expect(a.type).toBe("application/json") },
  { name: "SVG content type", path: "/logo.svg", expect: (a) => expect(a.type).toBe("image/svg+xml") },
  { name: "other methods on unknown paths are API 404s", path: "/nothing", init: () => ({ method: "POST" }), expect: (a) => expect(a.status).toBe(404) },
]

describe("a PocketBase app (pb_migrations, pb_hooks, pb_public) runs unchanged", () => {
  const answers = new Map<string, Answer[]>()
  const servers: AppServer[] = []

  beforeAll(async () => {
    servers.push(await startPocketbunApp(appRoot(SAMPLE_APP)))
    if (referenceAvailable()) servers.push(await startReferenceApp(appRoot(SAMPLE_APP)))
    for (const server of servers) {
      const pb = new PocketBase(server.url)
      const { token } = await pb.collection("_superusers").authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD)
      for (const scenario of scenarios) {
        const list = answers.get(scenario.name) ?? []
        const answer = await ask(server, scenario.path, scenario.init?.(token))
        list.push(scenario.select ? { ...answer, body: scenario.select(answer.body) } : answer)
        answers.set(scenario.name, list)
      }
    }
  }, 60_000)

  afterAll(async () => {
    for (const server of servers) await stopApp(server)
  })

  for (const scenario of scenarios) {
    it(scenario.name, () => {
      const [ours, reference] = answers.get(scenario.name)!
      scenario.expect(ours!)
      if (reference) expect(ours).toEqual(reference)
    })
  }

  it("a hook sends a realtime message to subscribed clients through $app.subscriptionsBroker()", async () => {
    const received: string[] = []
    for (const server of servers) {
      const stream = await openRawStream(server.url)
      try {
        expect((await postRealtime(server.url, { clientId: stream.clientId, subscriptions: ["news"] })).status).toBe(204)
        const sent = await (await fetch(`${server.url}/api/broadcast`, { method: "POST" })).json()
        expect(sent).toEqual({ sent: 1 })
        received.push(await stream.reader.until((text) => text.includes("event:news"), "the news message"))
      } finally {
        await stream.close()
      }
    }
    for (const text of received) expect(text).toContain('data:{"text":"hello subscribers"}')
  })

  it("the custom login's token authenticates the user", async () => {
    for (const server of servers) {
      const login = await fetch(`${server.url}/api/login-by-email`, json({ email: "demo@example.com", password: "demo-password-1" }))
      const { token } = (await login.json()) as { token: string }
      const me = await fetch(`${server.url}/api/me`, { headers: { Authorization: token } })
      expect(await me.json()).toEqual({ email: "demo@example.com" })
    }
  })

  it("logs a crashing hook with its file and line", () => {
    expect(servers[0]!.output()).toMatch(/main\.pb\.js:\d+:\d+/)
  })
})
