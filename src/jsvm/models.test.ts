import { describe, expect, it } from "bun:test"
import { Collection, Field, fieldClasses, FieldsList, unmarshal } from "./models.ts"

describe("FieldsList", () => {
  const list = () => new FieldsList([{ id: "a", name: "title", type: "text" }, { id: "b", name: "n", type: "number" }])

  it("addAt inserts new fields at the position and replaces one with the same id in place", () => {
    const fields = list()
    fields.addAt(1, new Field({ id: "c", name: "tags", type: "select" }))
    fields.addAt(5, new Field({ id: "a", name: "heading", type: "text" }))
    expect(fields.fieldNames()).toEqual(["heading", "tags", "n"])
  })

  it("add without an id replaces by name; removeById and removeByName drop fields", () => {
    const fields = list()
    fields.add(new fieldClasses.BoolField({ name: "n" }), new fieldClasses.EmailField({ name: "email" }))
    expect(fields.getByName("n")?.type).toBe("bool")
    fields.removeById("a")
    fields.removeByName("email")
    expect(fields.fieldNames()).toEqual(["n"])
  })

  it("serializes as a plain array", () => {
    expect(JSON.parse(JSON.stringify(list()))).toEqual([{ id: "a", name: "title", type: "text" }, { id: "b", name: "n", type: "number" }])
  })
})

describe("Collection", () => {
  it("unmarshal replaces keys and rebuilds fields as models", () => {
    const collection = new Collection({ name: "posts", fields: [{ name: "title", type: "text" }] })
    unmarshal({ name: "articles", listRule: "", fields: [{ name: "body", type: "editor" }] }, collection)
    expect(collection.name).toBe("articles")
    expect(collection.listRule).toBe("")
    expect(collection.fields).toBeInstanceOf(FieldsList)
    expect(collection.fields.fieldNames()).toEqual(["body"])
  })

  it("addIndex writes a CREATE INDEX on the collection and removeIndex drops it by name", () => {
    const collection = new Collection({ name: "posts" })
    collection.addIndex("idx_title", true, "title", "title != ''")
    expect(collection.indexes).toEqual(["CREATE UNIQUE INDEX `idx_title` ON `posts` (title) WHERE title != ''"])
    collection.removeIndex("idx_title")
    expect(collection.indexes).toEqual([])
  })

  it("defaults to a base collection", () => {
    expect(new Collection({ name: "x" }).isBase()).toBe(true)
  })
})
