import { describe, expect, it } from "bun:test"
import { extractExtension, fileSnakeCase, storedFileName } from "./names.ts"

describe("stored file names", () => {
  it("snake-cases the base name and keeps the extension as sent", () => {
    expect(storedFileName("My Photo.TXT", ".txt")).toMatch(/^my_photo_[a-z0-9]{10}\.TXT$/)
  })
  it("pads base names shorter than 3 characters with 10 random characters", () => {
    expect(storedFileName("ab", ".txt")).toMatch(/^ab[a-z0-9]{10}_[a-z0-9]{10}\.txt$/)
    expect(storedFileName("p.png", "")).toMatch(/^p[a-z0-9]{10}_[a-z0-9]{10}\.png$/)
  })
  it("keeps double extensions (as seen on PocketBase v0.40.6)", () => {
    expect(extractExtension("a.tar.gz")).toBe(".tar.gz")
    expect(extractExtension("a.b.c")).toBe(".b.c")
    expect(extractExtension("noext")).toBe("")
    expect(storedFileName("a.b.c", "")).toMatch(/^a[a-z0-9]{10}_[a-z0-9]{10}\.b\.c$/)
  })
  it("uses the detected extension when the name has none, and cuts long parts", () => {
    expect(storedFileName("readme", ".txt")).toMatch(/^readme_[a-z0-9]{10}\.txt$/)
    expect(storedFileName("x".repeat(150) + ".png", "")).toMatch(new RegExp(`^x{100}_[a-z0-9]{10}\\.png$`))
    expect(storedFileName("file.abcdefghijklmnopqrstuvwxyz", "")).toMatch(/^file_[a-z0-9]{10}\.ghijklmnopqrstuvwxyz$/)
    expect(storedFileName("bad.p<>ng", "")).toMatch(/^bad_[a-z0-9]{10}\.png$/)
  })
  it("splits at every non-ASCII-word character like Go's \\W", () => {
    expect(fileSnakeCase("myTestDB file")).toBe("my_test_db_file")
    expect(fileSnakeCase("café-menu")).toBe("caf_menu")
  })
})
