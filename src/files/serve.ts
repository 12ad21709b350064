/**
 * @module
 * The response PocketBase's `filesystem.Serve` gives for a stored file: content type from the
 * content (a few extensions forced), `inline` for media and PDFs unless `?download` is truthy,
 * a sandboxing CSP, a 30-day cache, and single byte ranges (Go's `http.ServeContent`).
 * @see https://github.com/pocketbase/pocketbase/blob/master/tools/filesystem/filesystem.go (Serve)
 */
import { SNIFF_LIMIT, sniff } from "./sniff.ts"
import type { StoredFile } from "./storage.ts"

const INLINE_TYPES = new Set([
  "image/png", "image/jpg", "image/jpeg", "image/gif", "image/webp", "image/x-icon", "image/bmp",
  "video/webm", "video/mp4", "video/3gpp", "video/quicktime", "video/x-ms-wmv",
  "audio/basic", "audio/aiff", "audio/mpeg", "audio/midi", "audio/mp3", "audio/wave",
  "audio/wav", "audio/x-wav", "audio/x-mpeg", "audio/x-m4a", "audio/aac",
  "application/pdf", "application/x-pdf",
])

// Types sniffing cannot tell (https://github.com/whatwg/mimesniff/issues/7, pocketbase#6597).
const EXTENSION_TYPES: Record<string, string> = {
  ".svg": "image/svg+xml",
  ".css": "text/css",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
}

/** Go's `strconv.ParseBool`; anything else counts as false, as PocketBase ignores the error. */
export const goParseBool = (raw: string): boolean => ["1", "t", "T", "TRUE", "true", "True"].includes(raw)

/** What the request asks of the file. */
export interface ServeRequest {
  method: string
  /** The `download` query parameter. */
  download: string | undefined
  range: string | null
  ifModifiedSince: string | null
}

/** Builds the response for `file`, stored under `name`. */
export async function serveFile(file: StoredFile, name: string, request: ServeRequest): Promise<Response> {
  const head = await file.bytes(0, Math.min(file.size, SNIFF_LIMIT + 4))
  // One byte past the limit tells the sniffer the text goes on (a cut character is not an error).
  const sniffed = sniff(head).mime
  const realType = sniffed.split(";")[0]!
  const attachment = goParseBool(request.download ?? "") || !INLINE_TYPES.has(realType)
  const dot = name.lastIndexOf(".")
  const headers = new Headers({
    "Content-Disposition": `${attachment ? "attachment" : "inline"}; filename="${name}"`,
    "Content-Type": EXTENSION_TYPES[dot >= 0 ? name.slice(dot) : ""] ?? sniffed,
    "Content-Security-Policy": "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
    "Cache-Control": "max-age=2592000, stale-while-revalidate=86400",
    "Accept-Ranges": "bytes",
    "Last-Modified": file.modified.toUTCString(),
  })
  const modifiedSeconds = Math.floor(file.modified.getTime() / 1000)
  const since = request.ifModifiedSince ? Date.parse(request.ifModifiedSince) : NaN
  if (!Number.isNaN(since) && modifiedSeconds <= Math.floor(since / 1000)) {
    for (const h of ["Content-Type", "Content-Disposition"]) headers.delete(h)
    return new Response(null, { status: 304, headers })
  }
  const range = request.range ? parseRange(request.range, file.size) : null
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${file.size}`)
    return new Response(null, { status: 416, headers })
  }
  const isHead = request.method === "HEAD"
  if (range) {
    headers.set("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`)
    headers.set("Content-Length", String(range.end - range.start + 1))
    return new Response(isHead ? null : file.body(range.start, range.end + 1), { status: 206, headers })
  }
  headers.set("Content-Length", String(file.size))
  return new Response(isHead ? null : file.body(), { status: 200, headers })
}

/**
 * One `bytes=` range (`a-b`, `a-`, `-n`) resolved against `size`; null to serve the whole file
 * (no range, several ranges, or a malformed header), "unsatisfiable" for a range past the end.
 */
export function parseRange(header: string, size: number): { start: number; end: number } | "unsatisfiable" | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === "" && match[2] === "")) return null
  if (match[1] === "") {
    const suffix = Number(match[2])
    if (suffix === 0) return "unsatisfiable"
    return size === 0 ? "unsatisfiable" : { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(match[1])
  if (start >= size) return "unsatisfiable"
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1)
  return end < start ? null : { start, end }
}
