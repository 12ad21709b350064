/**
 * @module
 * Content-based mime detection for uploads and downloads, a small subset of what PocketBase's
 * `gabriel-vasile/mimetype` recognises: common images, audio/video, PDF, archives, and text
 * (plain, JSON, HTML, XML, SVG). Anything else is `application/octet-stream`. Like mimetype, only
 * the first 3072 bytes are looked at, and text types carry `; charset=utf-8`.
 */

/** How many leading bytes detection reads (mimetype's default read limit). */
export const SNIFF_LIMIT = 3072

interface Signature {
  mime: string
  ext: string
  test(b: Uint8Array): boolean
}

const startsWith = (b: Uint8Array, bytes: number[], offset = 0) => bytes.every((v, i) => b[offset + i] === v)
const ascii = (b: Uint8Array, text: string, offset = 0) => startsWith(b, [...text].map((c) => c.charCodeAt(0)), offset)

const SIGNATURES: Signature[] = [
  { mime: "image/png", ext: ".png", test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mime: "image/jpeg", ext: ".jpg", test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { mime: "image/gif", ext: ".gif", test: (b) => ascii(b, "GIF87a") || ascii(b, "GIF89a") },
  { mime: "image/webp", ext: ".webp", test: (b) => ascii(b, "RIFF") && ascii(b, "WEBP", 8) },
  { mime: "audio/wav", ext: ".wav", test: (b) => ascii(b, "RIFF") && ascii(b, "WAVE", 8) },
  { mime: "image/bmp", ext: ".bmp", test: (b) => ascii(b, "BM") && b.length >= 26 },
  { mime: "image/x-icon", ext: ".ico", test: (b) => startsWith(b, [0, 0, 1, 0]) || startsWith(b, [0, 0, 2, 0]) },
  { mime: "application/pdf", ext: ".pdf", test: (b) => ascii(b, "%PDF-") },
  { mime: "application/zip", ext: ".zip", test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) },
  { mime: "application/gzip", ext: ".gz", test: (b) => startsWith(b, [0x1f, 0x8b, 0x08]) },
  { mime: "audio/mpeg", ext: ".mp3", test: (b) => ascii(b, "ID3") || startsWith(b, [0xff, 0xfb]) },
  { mime: "audio/ogg", ext: ".ogg", test: (b) => ascii(b, "OggS") },
  { mime: "video/webm", ext: ".webm", test: (b) => startsWith(b, [0x1a, 0x45, 0xdf, 0xa3]) },
  { mime: "video/quicktime", ext: ".mov", test: (b) => ascii(b, "ftypqt", 4) },
  { mime: "video/mp4", ext: ".mp4", test: (b) => ascii(b, "ftyp", 4) },
]

const TEXT_EXTENSIONS: Record<string, string> = {
  "text/plain": ".txt",
  "application/json": ".json",
  "text/html": ".html",
  "text/xml": ".xml",
  "image/svg+xml": ".svg",
}

/** The detected type and the extension mimetype would give it (`""` when unknown). */
export interface Sniffed {
  /** With parameters, as served: `image/png`, `text/plain; charset=utf-8`. */
  mime: string
  ext: string
}

/** Detects the type of `content` (only its first {@link SNIFF_LIMIT} bytes are read). */
export function sniff(content: Uint8Array): Sniffed {
  const head = content.subarray(0, SNIFF_LIMIT)
  for (const sig of SIGNATURES) if (sig.test(head)) return { mime: sig.mime, ext: sig.ext }
  const text = decodeText(head, content.length > SNIFF_LIMIT)
  if (text === null) return { mime: "application/octet-stream", ext: "" }
  const type = textType(text, content.length <= SNIFF_LIMIT)
  const mime = type === "application/json" || type === "image/svg+xml" ? type : `${type}; charset=utf-8`
  return { mime, ext: TEXT_EXTENSIONS[type] ?? "" }
}

/** The media type without parameters, lower-cased: `Text/Plain; charset=utf-8` → `text/plain`. */
export const baseMime = (mime: string): string => mime.split(";")[0]!.trim().toLowerCase()

// UTF-8 text without control characters other than whitespace; a multi-byte character cut at the
// read limit still counts as text.
function decodeText(head: Uint8Array, truncated: boolean): string | null {
  for (const byte of head) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) return null
    if (byte === 0x7f) return null
  }
  const body = truncated ? head.subarray(0, Math.max(0, head.length - 3)) : head
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body)
  } catch {
    return null
  }
}

function textType(text: string, complete: boolean): string {
  const start = text.replace(/^\uFEFF/, "").trimStart()
  const lower = start.slice(0, 512).toLowerCase()
  if (lower.startsWith("<svg") || (lower.startsWith("<?xml") && lower.includes("<svg"))) return "image/svg+xml"
  if (lower.startsWith("<?xml")) return "text/xml"
  if (/^<(!doctype html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p)[\s>]/.test(lower)) return "text/html"
  if (complete && (start.startsWith("{") || start.startsWith("["))) {
    try {
      JSON.parse(start)
      return "application/json"
    } catch {
      // not JSON after all
    }
  }
  return "text/plain"
}
