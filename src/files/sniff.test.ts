import { describe, expect, it } from "bun:test"
import { baseMime, sniff } from "./sniff.ts"

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const bytes = (text: string) => new TextEncoder().encode(text)

describe("mime sniffing", () => {
  it("recognises binary formats by their magic bytes", () => {
    expect(sniff(PNG)).toEqual({ mime: "image/png", ext: ".png" })
    expect(sniff(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])).mime).toBe("image/jpeg")
    expect(sniff(bytes("%PDF-1.7")).mime).toBe("application/pdf")
  })
  it("answers text as text/plain with the utf-8 charset, as PocketBase serves it", () => {
    expect(sniff(bytes("hello world"))).toEqual({ mime: "text/plain; charset=utf-8", ext: ".txt" })
    expect(sniff(bytes("héllo"))).toEqual({ mime: "text/plain; charset=utf-8", ext: ".txt" })
  })
  it("tells JSON, HTML, XML and SVG apart from plain text", () => {
    expect(sniff(bytes('{"a":1}')).mime).toBe("application/json")
    expect(sniff(bytes("<!DOCTYPE html><html></html>")).mime).toBe("text/html; charset=utf-8")
    expect(sniff(bytes('<?xml version="1.0"?><a/>')).mime).toBe("text/xml; charset=utf-8")
    expect(sniff(bytes('<svg xmlns="http://www.w3.org/2000/svg"></svg>')).mime).toBe("image/svg+xml")
  })
  it("falls back to application/octet-stream for unknown binary content", () => {
    expect(sniff(new Uint8Array([0, 1, 2, 3, 250]))).toEqual({ mime: "application/octet-stream", ext: "" })
  })
  it("compares types without parameters", () => {
    expect(baseMime("Text/Plain; charset=utf-8")).toBe("text/plain")
  })
})
