import { describe, expect, it } from "bun:test"
import { renderTemplate, templateRegistry } from "./template.ts"

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

describe("templateRegistry", () => {
  it("composes a layout's blocks with another text's defines, and template calls with their data", () => {
    const layout = `<main>{{block "body" .}}default{{end}}</main><footer>{{template "footer" .site}}</footer>{{define "footer"}}© {{.name}}{{end}}`
    const page = `{{define "body"}}<h1>Hello {{.name}}</h1>{{end}}`
    expect(templateRegistry().loadString(layout, page).render({ name: "<Ada>", site: { name: "Acme" } })).toBe("<main><h1>Hello &lt;Ada&gt;</h1></main><footer>© Acme</footer>")
    expect(templateRegistry().loadString(layout).render({ site: { name: "Acme" } })).toBe("<main>default</main><footer>© Acme</footer>")
  })
})
