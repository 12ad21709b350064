import { describe, expect, it } from "bun:test"
import sharp from "sharp"
import { parseThumbSize, renderThumb, targetSize } from "./thumbs.ts"

const LIMITS = { maxInputPixels: 10_000_000 }
const size = (text: string) => parseThumbSize(text)!

describe("thumb sizes", () => {
  it("parses PocketBase's formats and refuses the rest", () => {
    expect(parseThumbSize("100x50t")).toEqual({ width: 100, height: 50, mode: "t" })
    expect(parseThumbSize("0x20")).toEqual({ width: 0, height: 20, mode: "" })
    for (const bad of ["0x0", "100", "10x10x", "10x10c", "-1x5", " 10x10", "1e3x1"]) expect(parseThumbSize(bad)).toBeNull()
  })
  it("computes dimensions with PocketBase's rounding", () => {
    expect(targetSize(300, 200, size("0x100"))).toEqual({ width: 150, height: 100, crop: false })
    expect(targetSize(333, 200, size("100x0"))).toEqual({ width: 100, height: 60, crop: false })
    expect(targetSize(300, 199, size("100x100f"))).toEqual({ width: 100, height: 66, crop: false })
    expect(targetSize(50, 40, size("100x100f"))).toEqual({ width: 50, height: 40, crop: false })
    expect(targetSize(50, 40, size("100x100"))).toEqual({ width: 100, height: 100, crop: true })
  })
})

describe("rendering thumbs", () => {
  it("crops from the top or bottom of a tall image", async () => {
    // Top half red, bottom half blue: a top crop is red, a bottom crop blue.
    const top = await sharp({ create: { width: 10, height: 40, channels: 3, background: "#ff0000" } }).png().toBuffer()
    const image = await sharp({ create: { width: 10, height: 80, channels: 3, background: "#0000ff" } })
      .composite([{ input: top, top: 0, left: 0 }]).png().toBuffer()
    const pixel = async (mode: string) => {
      const thumb = await renderThumb(image, "image/png", size(`10x10${mode}`), LIMITS)
      const { data, info } = await sharp(thumb.bytes).raw().toBuffer({ resolveWithObject: true })
      expect([info.width, info.height]).toEqual([10, 10])
      return [data[0], data[2]]
    }
    expect(await pixel("t")).toEqual([255, 0])
    expect(await pixel("b")).toEqual([0, 255])
  })
  it("encodes WebP sources as PNG and keeps JPEG as JPEG", async () => {
    const webp = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#00ff00" } }).webp().toBuffer()
    const fromWebp = await renderThumb(webp, "image/webp", size("5x5"), LIMITS)
    expect([(await sharp(fromWebp.bytes).metadata()).format, fromWebp.type]).toEqual(["png", "image/png"])
    const jpeg = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#00ff00" } }).jpeg().toBuffer()
    const fromJpeg = await renderThumb(jpeg, "image/jpeg", size("5x5"), LIMITS)
    expect([(await sharp(fromJpeg.bytes).metadata()).format, fromJpeg.type]).toEqual(["jpeg", "image/jpeg"])
  })
  it("refuses images over the pixel limit and broken images", async () => {
    const big = await sharp({ create: { width: 200, height: 200, channels: 3, background: "#000" } }).png().toBuffer()
    await expect(renderThumb(big, "image/png", size("5x5"), { maxInputPixels: 100 })).rejects.toThrow()
    await expect(renderThumb(big.subarray(0, 60), "image/png", size("5x5"), LIMITS)).rejects.toThrow()
  })
})
