import { describe, expect, it } from "bun:test"
import { goParseBool, parseRange, serveFile } from "./serve.ts"
import { blobFile } from "./storage.ts"

const file = (text: string) => blobFile(new Blob([text]), text.length, new Date("2026-01-02T03:04:05Z"))
const request = { method: "GET", download: undefined, range: null, ifModifiedSince: null }

describe("serving stored files", () => {
  it("reads ?download as Go's strconv.ParseBool", () => {
    expect(["1", "t", "true", "TRUE"].map(goParseBool)).toEqual([true, true, true, true])
    expect(["0", "yes", ""].map(goParseBool)).toEqual([false, false, false])
  })
  it("resolves single byte ranges and ignores the rest", () => {
    expect(parseRange("bytes=0-3", 11)).toEqual({ start: 0, end: 3 })
    expect(parseRange("bytes=5-", 11)).toEqual({ start: 5, end: 10 })
    expect(parseRange("bytes=-4", 11)).toEqual({ start: 7, end: 10 })
    expect(parseRange("bytes=20-", 11)).toBe("unsatisfiable")
    expect(parseRange("bytes=0-1,3-4", 11)).toBeNull()
  })
  it("forces the content type of extensions sniffing cannot tell", async () => {
    const res = await serveFile(file("body { color: red }"), "style_abc.css", request)
    expect(res.headers.get("content-type")).toBe("text/css")
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="style_abc.css"')
  })
  it("answers 304 when the file has not changed since If-Modified-Since", async () => {
    const res = await serveFile(file("x"), "x.txt", { ...request, ifModifiedSince: "Fri, 02 Jan 2026 03:04:05 GMT" })
    expect(res.status).toBe(304)
  })
})
