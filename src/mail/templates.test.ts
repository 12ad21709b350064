import { describe, expect, it } from "bun:test"
import { blankCollection } from "../records/collection-defaults.ts"
import { htmlToText, recordPlaceholders, renderTemplate } from "./index.ts"

describe("email templates", () => {
  const meta = { appName: "Demo <App>", appURL: "https://demo.test" }

  it("replaces app, token and record placeholders in subject and body", () => {
    const collection = blankCollection("auth", "members")
    collection.fields.push({ name: "name", type: "text", hidden: false, id: "t1", system: false, presentable: false }, { name: "age", type: "number", hidden: false, id: "n1", system: false, presentable: false })
    const record = { id: "r1", email: "a@b.c", name: "<b>Ann</b>", age: 42, password: "x", tokenKey: "secret-key" }
    const placeholders = { "{TOKEN}": "tok", ...recordPlaceholders(collection, record) }
    const out = renderTemplate({ subject: "Hi {RECORD:name} from {APP_NAME}", body: '<a href="{APP_URL}/v/{TOKEN}">{RECORD:email} {RECORD:age}</a>' }, meta, placeholders)
    expect(out.subject).toBe("Hi &lt;b&gt;Ann&lt;/b&gt; from Demo <App>")
    expect(out.html).toContain('<a href="https://demo.test/v/tok">a@b.c 42</a>')
  })

  it("never offers hidden fields (password, tokenKey) as placeholders", () => {
    const collection = blankCollection("auth", "members")
    const placeholders = recordPlaceholders(collection, { id: "r1", password: "hash", tokenKey: "k" })
    expect(Object.keys(placeholders)).not.toContain("{RECORD:password}")
    expect(Object.keys(placeholders)).not.toContain("{RECORD:tokenKey}")
    expect(placeholders["{RECORD:id}"]).toBe("r1")
  })

  it("turns html into readable text", () => {
    expect(htmlToText('<p>One&nbsp;<a href="u">link</a></p><p>Two<br>three</p>')).toBe("One link (u)\nTwo\nthree")
  })
})
