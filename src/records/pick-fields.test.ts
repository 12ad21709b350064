/** `fields` picking and `:excerpt`. Expected outputs were replayed on the reference server (v0.40.6). */
import { describe, expect, it } from "bun:test"
import { excerpt, FieldsParamError, htmlToText, parseFieldPaths, parseFields, pickFields, pickResponse } from "./pick-fields.ts"

const record = {
  id: "r1",
  title: "<p>Hello <b>big</b> world</p><script>x()</script><div>again   and\n again</div>",
  n: 0,
  data: { a: { b: 1, c: 2 }, d: [{ e: 1, f: 2 }] },
  expand: { author: { id: "u1", name: "Ann", email: "a@b.c" }, tags: [{ id: "t1", name: "x" }, { id: "t2", name: "y" }] },
}

describe("parseFieldPaths", () => {
  it("splits at top-level commas and trims entries", () => {
    expect(parseFieldPaths(" id , body:excerpt( 200 , true ),,expand.author.name")).toEqual([
      { path: ["id"], modifier: null },
      { path: ["body"], modifier: { name: "excerpt", max: 200, withEllipsis: true } },
      { path: ["expand", "author", "name"], modifier: null },
    ])
  })

  it.each(["t:excerpt(0)", "t:excerpt(-1)", "t:excerpt(5,true,1)", "t:foo(1)", "t:excerpt", "t:excerpt()", "t:excerpt(a)"])(
    "rejects %p (reference: 400)",
    (text) => expect(() => parseFieldPaths(text)).toThrow(FieldsParamError),
  )

  it.each([["1", true], ["t", true], ["true", true], ["yes", false], ["0", false], ["", false]])(
    "reads withEllipsis %p as %p",
    (arg, value) => expect(parseFieldPaths(`t:excerpt(5,${arg})`)[0]!.modifier!.withEllipsis).toBe(value),
  )

  it("treats empty values as no selection", () => {
    expect(parseFields("")).toBeNull()
    expect(parseFields(" , ")).toBeNull()
    expect(parseFields(undefined)).toBeNull()
  })
})

describe("pickFields", () => {
  const pick = (fields: string, value: unknown = record) => pickFields(value, parseFields(fields))

  it("keeps listed keys only", () => expect(pick("id,n")).toEqual({ id: "r1", n: 0 }))
  it("follows dot paths into objects and arrays", () => {
    expect(pick("data.a.b,data.d.f,id")).toEqual({ id: "r1", data: { a: { b: 1 }, d: [{ f: 2 }] } })
  })
  it("picks into expand", () => {
    expect(pick("id,expand.author.name,expand.tags.id")).toEqual({
      id: "r1",
      expand: { author: { name: "Ann" }, tags: [{ id: "t1" }, { id: "t2" }] },
    })
  })
  it("lets a specific path beat * for its key", () => {
    expect(pick("*,data.a.c")).toEqual({ ...record, data: { a: { c: 2 } } })
  })
  it("supports * below the top level", () => expect(pick("data.a.*")).toEqual({ data: { a: { b: 1, c: 2 } } }))
  it("keeps non-object values whole when a path goes deeper", () => expect(pick("title.x")).toEqual({ title: record.title }))
  it("ignores unknown paths", () => expect(pick("nope,id")).toEqual({ id: "r1" }))
  it("applies to each element of a top-level array", () => expect(pick("id", [record, { id: "r2", n: 1 }])).toEqual([{ id: "r1" }, { id: "r2" }]))
  it("excerpts strings and passes other values through", () => {
    expect(pick("title:excerpt(12,true),n:excerpt(2),data:excerpt(3)")).toEqual({ title: "Hello big wo...", n: 0, data: record.data })
  })
  it("returns the value unchanged without a selection", () => expect(pickFields(record, null)).toBe(record))
})

describe("pickResponse", () => {
  it("picks list items and keeps the envelope", () => {
    const list = { page: 1, perPage: 2, totalItems: 1, totalPages: 1, items: [record] }
    expect(pickResponse(list, "id")).toEqual({ ...list, items: [{ id: "r1" }] })
  })
  it("picks other bodies at the top level", () => {
    expect(pickResponse({ token: "t", record }, "token,record.id")).toEqual({ token: "t", record: { id: "r1" } })
  })
})

describe("excerpt", () => {
  it.each<[string, number, boolean, string]>([
    [record.title, 100, false, "Hello big world again and again"],
    [record.title, 12, true, "Hello big wo..."],
    [record.title, 13, true, "Hello big wor..."],
    ["<style>a{}</style>ab", 10, false, "ab"],
    ["  héllo wörld ünïcode  ", 7, true, "héllo w..."],
    ["  héllo wörld ünïcode  ", 6, true, "héllo..."],
    ["  héllo wörld ünïcode  ", 100, true, "héllo wörld ünïcode"],
    ["12.5", 3, false, "12."],
  ])("%p max %p ellipsis %p", (html, max, ellipsis, text) => expect(excerpt(html, max, ellipsis)).toBe(text))

  it("strips tags like the reference server", () => {
    const html =
      "<span>a</span><span>b</span><p>c</p><p>d</p>x<br>y &amp; &lt;z&gt; <li>i1</li><li>i2</li><td>t1</td><td>t2</td>" +
      "<h1>h</h1>k<img src=x>l<button>no</button>m<textarea>no</textarea>n<!-- c -->o<svg><text>no</text></svg>p"
    expect(htmlToText(html)).toBe("ab c d xy & <z> i1 i2 t1t2 h klmnop")
  })

  it("decodes numeric references and keeps stray brackets", () => {
    expect(htmlToText("a &#65;&#x42; 1 < 2")).toBe("a AB 1 < 2")
  })
})
