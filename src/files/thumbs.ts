/**
 * @module
 * Thumbnails as PocketBase makes them, with `sharp`: sizes `WxH` (crop from the center), `WxHt`
 * (from the top), `WxHb` (from the bottom), `WxHf` (fit inside, never enlarged), `0xH` and `Wx0`
 * (one side, keeping the aspect ratio). Dimensions follow PocketBase's arithmetic so answers match
 * to the pixel; the first frame of animations, EXIF orientation applied. JPEG, PNG and GIF keep
 * their format; anything else (WebP) becomes PNG, as PocketBase encodes it.
 */
import sharp, { type Metadata } from "sharp"

/** PocketBase's accepted thumb size syntax. */
export const THUMB_SIZE = /^(\d+)x(\d+)(t|b|f)?$/

/** A parsed thumb size. */
export interface ThumbSize {
  width: number
  height: number
  /** `crop` anchors: center (``), top (`t`), bottom (`b`); `f` fits. */
  mode: "" | "t" | "b" | "f"
}

/** Parses `size`, or null when it is not a thumb size (or both sides are 0). */
export function parseThumbSize(size: string): ThumbSize | null {
  const match = THUMB_SIZE.exec(size)
  if (!match) return null
  const width = Number(match[1])
  const height = Number(match[2])
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || (width === 0 && height === 0)) return null
  return { width, height, mode: (match[3] ?? "") as ThumbSize["mode"] }
}

/** The mime types thumbs are made for (PocketBase's list). */
export const THUMB_SOURCE_TYPES: ReadonlySet<string> = new Set(["image/png", "image/jpg", "image/jpeg", "image/gif", "image/webp"])

/** Limits on what is decoded. */
export interface ThumbLimits {
  /** Images with more pixels than this are not decoded (the original is served). */
  maxInputPixels: number
}

/**
 * Renders the thumb of `input` (an image of type `sourceType`) and says its type; throws for
 * undecodable images or images over the pixel limit, so the caller can serve the original instead.
 */
export async function renderThumb(input: Uint8Array, sourceType: string, size: ThumbSize, limits: ThumbLimits): Promise<{ bytes: Uint8Array; type: string }> {
  const image = sharp(input, { limitInputPixels: limits.maxInputPixels, pages: 1, failOn: "error" }).rotate()
  const { width, height } = orientedSize(await image.metadata())
  const target = targetSize(width, height, size)
  const resized = target.crop
    ? image.resize(target.width, target.height, { fit: "cover", position: CROP_POSITION[size.mode] })
    : image.resize(target.width, target.height, { fit: "fill" })
  const type = sourceType === "image/jpg" ? "image/jpeg" : sourceType === "image/jpeg" || sourceType === "image/gif" ? sourceType : "image/png"
  const encoded = type === "image/jpeg" ? resized.jpeg({ quality: 95 }) : type === "image/gif" ? resized.gif() : resized.png()
  return { bytes: new Uint8Array(await encoded.toBuffer()), type }
}

const CROP_POSITION: Record<ThumbSize["mode"], string> = { "": "centre", t: "top", b: "bottom", f: "centre" }

// EXIF orientations 5–8 swap the sides once the image is turned upright.
function orientedSize(meta: Metadata): { width: number; height: number } {
  const width = meta.width ?? 0
  const height = meta.height ?? 0
  if (width === 0 || height === 0) throw new Error("image without dimensions")
  return (meta.orientation ?? 1) >= 5 ? { width: height, height: width } : { width, height }
}

/**
 * The thumb's dimensions for a `srcW`×`srcH` image, by PocketBase's imaging rules: one side 0
 * scales the other rounding half up (at least 1); `f` fits, truncating, and returns small
 * images as they are; the rest fill the box exactly and crop.
 */
export function targetSize(srcW: number, srcH: number, size: ThumbSize): { width: number; height: number; crop: boolean } {
  const scaled = (dstW: number, dstH: number) =>
    dstW === 0
      ? { width: Math.max(1, Math.floor((dstH * srcW) / srcH + 0.5)), height: dstH, crop: false }
      : { width: dstW, height: Math.max(1, Math.floor((dstW * srcH) / srcW + 0.5)), crop: false }
  if (size.width === 0 || size.height === 0) return scaled(size.width, size.height)
  if (size.mode !== "f") return { width: size.width, height: size.height, crop: true }
  if (srcW <= size.width && srcH <= size.height) return { width: srcW, height: srcH, crop: false }
  const srcRatio = srcW / srcH
  if (srcRatio > size.width / size.height) {
    const height = Math.trunc(size.width / srcRatio)
    return height === 0 ? scaled(size.width, 0) : { width: size.width, height, crop: false }
  }
  const width = Math.trunc(size.height * srcRatio)
  return width === 0 ? scaled(0, size.height) : { width, height: size.height, crop: false }
}
