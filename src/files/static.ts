/**
 * @module
 * `pb_public`: static files at `/` for GET/HEAD paths no route took, as PocketBase serves them:
 * content type from the extension (Go's table) or the content, `Last-Modified` with
 * `If-Modified-Since` (304), a directory's `index.html`, canonical redirects (`/dir` to `/dir/`,
 * `/page/` to `/page`, `/x/index.html` to `/x/`), and with `indexFallback` the root `index.html`
 * for missing paths (single-page apps).
 */
import { statSync, type Stats } from "node:fs"
import { extname, join, normalize } from "node:path"
import { ApiError } from "../core/errors.ts"
import { sniff, SNIFF_LIMIT } from "./sniff.ts"

const INDEX_PAGE = "index.html"

// Go's built-in extension table (mime.TypeByExtension), which PocketBase's file server uses.
const GO_TYPES: Record<string, string> = {
  ".avif": "image/avif", ".css": "text/css; charset=utf-8", ".gif": "image/gif", ".htm": "text/html; charset=utf-8",
  ".html": "text/html; charset=utf-8", ".jpeg": "image/jpeg", ".jpg": "image/jpeg", ".js": "text/javascript; charset=utf-8",
  ".json": "application/json", ".mjs": "text/javascript; charset=utf-8", ".pdf": "application/pdf", ".png": "image/png",
  ".svg": "image/svg+xml", ".wasm": "application/wasm", ".webp": "image/webp", ".xml": "text/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8", ".ico": "image/vnd.microsoft.icon", ".woff2": "font/woff2", ".woff": "font/woff",
}

const fileNotFound = () => new ApiError(404, "File not found.")

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path)
  } catch {
    return null
  }
}

// Leading `//` or `\` would make a redirect leave the site.
const safeRedirect = (path: string) => (/^[/\\][/\\]/.test(path) ? `/${path.replace(/^[/\\]+/, "")}` : path)

const redirect = (location: string) => new Response(null, { status: 301, headers: { Location: safeRedirect(location) } })

async function fileResponse(path: string, stats: Stats, request: Request): Promise<Response> {
  const file = Bun.file(path)
  const type = GO_TYPES[extname(path).toLowerCase()] ?? sniff(new Uint8Array(await file.slice(0, SNIFF_LIMIT).arrayBuffer())).mime
  const modified = new Date(Math.floor(stats.mtimeMs / 1000) * 1000)
  const headers = new Headers({ "Accept-Ranges": "bytes", "Content-Type": type, "Last-Modified": modified.toUTCString() })
  const since = Date.parse(request.headers.get("if-modified-since") ?? "")
  if (!Number.isNaN(since) && modified.getTime() <= since) {
    headers.delete("Content-Type")
    headers.delete("Accept-Ranges")
    return new Response(null, { status: 304, headers })
  }
  headers.set("Content-Length", String(stats.size))
  return new Response(request.method === "HEAD" ? null : file, { status: 200, headers })
}

/** Serves `request`'s path from `root`; throws PocketBase's 404 when there is nothing to serve. */
export async function serveStatic(root: string, indexFallback: boolean, request: Request): Promise<Response> {
  const urlPath = decodeURIComponent(new URL(request.url).pathname)
  const name = normalize(urlPath.replace(/^\/+/, "")).replace(/\\/g, "/").replace(/\/+$/, "")
  const fallback = async () => {
    const index = join(root, INDEX_PAGE)
    const stats = indexFallback ? statOrNull(index) : null
    if (!stats?.isFile()) throw fileNotFound()
    return fileResponse(index, stats, request)
  }
  if (name.startsWith("../") || name === "..") return fallback()
  const path = join(root, name)
  let stats = statOrNull(path)
  if (!stats) return fallback()
  if (stats.isDirectory()) {
    if (!urlPath.endsWith("/")) return redirect(`${urlPath}/`)
    const index = join(path, INDEX_PAGE)
    stats = statOrNull(index)
    if (!stats?.isFile()) return fallback()
    return fileResponse(index, stats, request)
  }
  if (urlPath.endsWith("/") && urlPath.length > 1) return redirect(urlPath.replace(/\/+$/, ""))
  if (urlPath.endsWith(INDEX_PAGE)) return redirect(urlPath.slice(0, -INDEX_PAGE.length))
  return fileResponse(path, stats, request)
}
