import { afterAll, describe, expect, it } from "bun:test"
import { isFilterError } from "./errors.ts"
import { compileMatcher } from "./matcher.ts"
import { SelectBuilder } from "./select-builder.ts"
import { NOW } from "../../tests/support/filter/test-cases.ts"
import { authAs, createDatabase, makeRequest, posts, ROWS, schema } from "../../tests/support/filter/test-fixture.ts"

const db = createDatabase()
afterAll(() => db.close())

/** Small deterministic PRNG so failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const ATOMS = [
  "title", "body", "views", "published", "data", "data.a", "data.items.0.name", "location.lon", "status", "labels",
  "labels:each", "labels:length", "title:lower", "code", "created", "author", "author.name", "tags.name", "tags:each",
  "comments_via_post.body", "@collection.tags.name", "@request.auth.id", "@request.query.q", "@request.body.labels:each",
  "@request.body.views", "@now", "@year", "null", "true", "false", "id", "secret", "nope", "@request.auth.name",
  "'a'", "''", "'Hello World'", "'%'", "'_'", "'\\\\'", "1", "0", "-3", "5.5", "'10'", "'1.0'", "\"x'y\"",
  "geoDistance(location.lon, location.lat, 0, 0)", "strftime('%Y', created)", "'; DROP TABLE posts; --'",
]
const OPS = ["=", "!=", "~", "!~", "<", "<=", ">", ">=", "?=", "?!=", "?~", "?!~", "?<", "?<=", "?>", "?>="]
const HOSTILE = [
  "'; DROP TABLE posts; --", "\" OR 1=1 --", "title = '' OR 1=1", "title = 1; DELETE FROM posts", "`posts`",
  "/* */", "--", "\\", "'", "\"", "((((", "))))", "a = 'unterminated", "title = \"\\u0000\"", "🦄 = 1", "title ~ '🦄'",
  "@request.query.x:isset = true", "@collection.posts.id ?= id", "title = (", "&&", "||", "a == b", "a =!= b",
]

function randomFilter(next: () => number): string {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  const mode = next()
  if (mode < 0.1) return pick(HOSTILE)
  if (mode < 0.15) {
    // random printable/unicode soup
    let s = ""
    const n = Math.floor(next() * 40)
    for (let i = 0; i < n; i++) s += String.fromCodePoint(next() < 0.8 ? 32 + Math.floor(next() * 95) : 0x80 + Math.floor(next() * 0x3000))
    return s
  }
  if (mode < 0.17) return "(".repeat(1 + Math.floor(next() * 2000)) + "a=1" + ")".repeat(Math.floor(next() * 2000))
  if (mode < 0.19) return Array.from({ length: 800 }, () => "title = 'x'").join(" || ") // ~10 kB
  const parts: string[] = []
  const count = 1 + Math.floor(next() * 4)
  for (let i = 0; i < count; i++) {
    if (i > 0) parts.push(next() < 0.5 ? "&&" : "||")
    const cmp = `${pick(ATOMS)} ${pick(OPS)} ${pick(ATOMS)}`
    parts.push(next() < 0.2 ? `(${cmp})` : cmp)
  }
  return parts.join(" ")
}

describe("hostile and random filters", () => {
  it("either compile and run, or fail with a filter error; the matcher always agrees with SQL", () => {
    const next = rng(12345)
    const requests = [makeRequest({ query: { q: "World" }, body: { labels: ["a"], views: 10 } }), authAs("u1")]
    const started = performance.now()
    let ran = 0
    let compared = 0
    for (let i = 0; i < 3000; i++) {
      const filter = randomFilter(next)
      const request = requests[i % 2]!
      const restricted = next() < 0.3
      let ids: string[]
      try {
        const { sql, params } = new SelectBuilder({ collection: posts, schema, request, now: NOW })
          .where(filter, { restricted })
          .sort(next() < 0.3 ? "-views,title" : "", { restricted })
          .build({ select: "`posts`.`id`", limit: 100 })
        ids = (db.query(sql).all(params) as { id: string }[]).map((r) => r.id).sort()
        ran++
      } catch (error) {
        if (!isFilterError(error)) throw new Error(`filter ${JSON.stringify(filter)} threw ${error}`)
        continue
      }
      const match = compileMatcher(filter, { collection: posts, schema, restricted })
      if (match) {
        const memory = ROWS.posts!.filter((row) => match(row, request, NOW)).map((r) => r.id as string).sort()
        if (JSON.stringify(memory) !== JSON.stringify(ids)) throw new Error(`matcher disagrees on ${filter}: ${memory} vs ${ids}`)
        compared++
      }
    }
    expect(ran).toBeGreaterThan(300)
    expect(compared).toBeGreaterThan(100)
    expect(performance.now() - started).toBeLessThan(10_000)
    const { n } = db.query("SELECT COUNT(*) AS n FROM posts").get() as { n: number }
    expect(n).toBe(5)
    expect(db.query("SELECT COUNT(*) AS n FROM tags").get()).toEqual({ n: 3 })
  })
})
