import { describe, expect, it } from "bun:test"
import { viewColumnSources } from "./view-sources.ts"

const sources = (query: string) => Object.fromEntries(viewColumnSources(query))

describe("view column sources", () => {
  it("maps plain and aliased columns to the first table", () => {
    expect(sources("SELECT id, photo, files AS docs FROM posts WHERE x = 1")).toEqual({
      id: { table: "posts", column: "id" },
      photo: { table: "posts", column: "photo" },
      docs: { table: "posts", column: "files" },
    })
  })
  it("resolves table aliases of joins and skips expressions", () => {
    expect(sources("select n.id, d.one as docFile, count(d.id) AS total, (select 1) x, 'a,b' AS lit from notes n left join docs AS d on d.id = n.doc order by d.title")).toEqual({
      id: { table: "notes", column: "id" },
      docFile: { table: "docs", column: "one" },
    })
  })
  it("accepts quoted identifiers and answers nothing for what is not a SELECT", () => {
    expect(sources('SELECT "p"."photo" AS "pic", id FROM "posts" AS "p"')).toEqual({
      pic: { table: "posts", column: "photo" },
      id: { table: "posts", column: "id" },
    })
    expect(sources("WITH x AS (SELECT 1) SELECT * FROM x")).toEqual({})
    expect(sources("garbage")).toEqual({})
  })
})
