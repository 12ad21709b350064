import { afterAll, describe, expect, it } from "bun:test"
import { compileMatcher } from "./matcher.ts"
import { SelectBuilder } from "./select-builder.ts"
import { CASES, NOW } from "../../tests/support/filter/test-cases.ts"
import { createDatabase, makeRequest, posts, ROWS, schema, users } from "../../tests/support/filter/test-fixture.ts"

const db = createDatabase()
afterAll(() => db.close())

const sqlIds = (filter: string, request = makeRequest(), restricted = false): string[] => {
  const { sql, params } = new SelectBuilder({ collection: posts, schema, request, now: NOW })
    .where(filter, { restricted })
    .build({ select: "`posts`.`id`" })
  return (db.query(sql).all(params) as { id: string }[]).map((r) => r.id).sort()
}

describe("compileMatcher", () => {
  const accepted = CASES.filter((c) => compileMatcher(c.filter, { collection: posts, schema, restricted: c.restricted ?? false }))

  it("handles most of the scenario filters without SQL", () => {
    expect(accepted.length).toBeGreaterThan(CASES.length * 0.6)
  })

  it.each(accepted.map((c) => [c.filter, c] as const))("agrees with SQL: %s", (_name, c) => {
    const match = compileMatcher(c.filter, { collection: posts, schema, restricted: c.restricted ?? false })!
    const request = c.request ?? makeRequest()
    const memory = ROWS.posts!.filter((row) => match(row, request, NOW)).map((row) => row.id as string).sort()
    expect(memory).toEqual(sqlIds(c.filter, request, c.restricted))
    expect(memory).toEqual(c.ids)
  })

  it.each([
    "author.name = 'Ann'", "tags.name ?= 'x'", "comments_via_post.id != ''", "@collection.tags.name ?= 'x'",
    "@request.auth.name = 'x'", "strftime('%Y', created) = '2024'", "@request.body.author.name = 'x'",
  ])("returns null when SQL is needed: %s", (filter) => {
    expect(compileMatcher(filter, { collection: posts, schema })).toBeNull()
  })

  it("matches everything for an empty rule and caches compiled matchers", () => {
    expect(compileMatcher("", { collection: posts })!({}, null)).toBe(true)
    expect(compileMatcher("views > 1", { collection: posts })).toBe(compileMatcher("views > 1", { collection: posts })!)
  })

  it("guards auth emails in restricted mode", () => {
    const byEmail = compileMatcher("email ~ 'x.com'", { collection: users, restricted: true })!
    expect(ROWS.users!.filter((u) => byEmail(u, null)).map((u) => u.id)).toEqual(["u1", "u3"])
    expect(() => compileMatcher("password = 'h1'", { collection: users, restricted: true })).toThrow("hidden")
  })

  it("evaluates a typical owner rule per request", () => {
    const rule = compileMatcher("@request.auth.id != '' && author = @request.auth.id", { collection: posts })!
    const p1 = ROWS.posts![0]!
    expect(rule(p1, makeRequest())).toBe(false)
    expect(rule(p1, { ...makeRequest(), auth: { record: ROWS.users![0]!, collection: users } })).toBe(true)
  })
})
