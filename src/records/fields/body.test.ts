/**
 * Multipart / urlencoded value inference. Rows checked on the reference server by sending each value
 * as a multipart part to a text field and a json field (Bun's FormData, so nothing is trimmed).
 */
import { describe, expect, it } from "bun:test"
import { FormBodyError, inferFormValue, parseFormBody } from "./body.ts"

describe("inferFormValue", () => {
  it.each<[string, unknown]>([
    ["", ""], ["true", true], ["false", false], ["True", "True"], [" true", " true"],
    ["12", 12], ["-1.5", -1.5], ["0", 0], ["0.0000001", 1e-7], ["100000000000000000000000", 1e23],
    ["012", "012"], ["00", "00"], ["-01", "-01"], ["1.0", "1.0"], ["0.10", "0.10"], ["1.50", "1.50"], ["1e3", "1e3"],
    ["-", "-"], [".5", ".5"], ["5.", "5."], ["-.5", "-.5"], ["--1", "--1"], ["1-", "1-"], ["1.2.3", "1.2.3"],
    ["+1", "+1"], [" 1", " 1"], ["1 ", "1 "], ["123456789012345678901", "123456789012345678901"], ["abc", "abc"],
  ])("%p → %p", (text, value) => expect(inferFormValue(text)).toEqual(value as never))

  it("keeps -0 as a number", () => expect(Object.is(inferFormValue("-0"), -0)).toBe(true))
})

describe("parseFormBody", () => {
  it("infers values and turns repeated keys into arrays", () => {
    const form = new FormData()
    form.append("title", "Hi")
    form.append("count", "5")
    form.append("tags", "a")
    form.append("tags", "b")
    form.append("tags", "3")
    expect(parseFormBody(form).data).toEqual({ title: "Hi", count: 5, tags: ["a", "b", 3] })
  })

  it("merges @jsonPayload parts in order over the other values, without inference", () => {
    const form = new FormData()
    form.append("t", "x")
    form.append("@jsonPayload", JSON.stringify({ t: "y", meta: { a: 1 } }))
    form.append("@jsonPayload", JSON.stringify({ t: "z", n: "2" }))
    expect(parseFormBody(form).data).toEqual({ t: "z", meta: { a: 1 }, n: "2" })
  })

  it("collects files apart by part name", () => {
    const form = new FormData()
    const a = new File(["a"], "a.txt")
    const b = new File(["b"], "b.txt")
    form.append("docs", a)
    form.append("docs+", b)
    form.append("docs", "old.txt")
    const { data, files } = parseFormBody(form)
    expect(data).toEqual({ docs: "old.txt" })
    expect(files.docs?.map((f) => f.name)).toEqual(["a.txt"])
    expect(files["docs+"]?.map((f) => f.name)).toEqual(["b.txt"])
  })

  it("reads urlencoded bodies the same way", () => {
    expect(parseFormBody(new URLSearchParams("a=1&b=true&c=x&c=012")).data).toEqual({ a: 1, b: true, c: ["x", "012"] })
  })

  it("rejects a @jsonPayload that is not a JSON object (reference: 400)", () => {
    for (const bad of ["[1]", "nope", "1"]) {
      const form = new FormData()
      form.append("@jsonPayload", bad)
      expect(() => parseFormBody(form)).toThrow(FormBodyError)
    }
  })
  it("takes a null @jsonPayload as an empty one (as seen on PocketBase v0.40.6)", () => {
    const form = new FormData()
    form.append("@jsonPayload", "null")
    expect(parseFormBody(form).data).toEqual({})
  })
})
