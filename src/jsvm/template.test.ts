import { describe, expect, it } from "bun:test"
import { renderTemplate } from "./template.ts"

describe("renderTemplate", () => {
  it("escapes values, and raw does not", () => {
    expect(renderTemplate("<p>{{.a.b}}</p>{{raw .html}}", { a: { b: "<x>" }, html: "<i>y</i>" })).toBe("<p>&lt;x&gt;</p><i>y</i>")
  })

  it("ranges over lists, with else for empty ones, and nests if blocks", () => {
    const text = "{{range .items}}[{{.name}}{{if .done}}+{{else}}-{{end}}]{{else}}none{{end}}"
    expect(renderTemplate(text, { items: [{ name: "a", done: true }, { name: "b" }] })).toBe("[a+][b-]")
    expect(renderTemplate(text, { items: [] })).toBe("none")
  })
})
